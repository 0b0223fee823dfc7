//! OPA's `json.verify_schema` and `json.match_schema` (placeholder, filled below).

use super::Builtin;

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[];
