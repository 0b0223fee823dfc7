//! Fuzz target for the sealed-file editor behind `set` (and `reencrypt`): map a file, set an item
//! in place, check the edit as `set` does. Seeds are the CLI tests' sealed files and the
//! examples; the engine and its knobs are `sealgate_tests::Campaign` (see docs/robustness.md).

use std::path::Path;

use super::set::{single_sealed, verify};
use crate::sealed_file;

/// A blob as `seal_item_for` makes them: base64 without line breaks.
const BLOB: &str = "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq+fuzz+blob/BD0=";

#[test]
fn fuzz_sealed_file_editor() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let campaign = sealgate_tests::Campaign::new("sealed_file_editor")
        .seed_files(&repo.join("cli/tests/fixtures"), &[".yaml", ".json"])
        .seed_files(&repo.join("examples"), &[".yaml", ".json"])
        .tokens(&[
            "encryptedData:\n",
            "encryptedData: {}\n",
            "encryptedData: {a: b}\n",
            "  ",
            "\n",
            "---\n",
            "{",
            "}",
            "[",
            "]",
            ", ",
            ": ",
            "\"",
            "'",
            "&a ",
            "*a",
            "? ",
            "- ",
            "#",
            "kind: SealedSecret\n",
            "apiVersion: bitnami.com/v1alpha1\n",
            "password: ",
            "\"password\": ",
            "new-key: ",
            "zzz.last: ",
            "\u{e9}",
            "\u{1F600}",
            "\t",
            "\r\n",
        ]);
    let mut refused = 0u64;
    let report = campaign.run(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        let Ok(file) = sealed_file::parse(&text) else {
            return;
        };
        let Ok(doc) = single_sealed(&file, "fuzz.yaml") else {
            return;
        };
        for key in ["password", "new-key", "a", "zzz.last"] {
            if let Some(edits) = sealed_file::set_item(&text, doc, key, BLOB) {
                let updated = edits.apply(&text);
                // a refused edit is `set`'s clear error ("the in-place edit did not produce the
                // expected document"), not a crash; counted to show how often it happens
                if verify(&updated, doc, key, BLOB, "fuzz.yaml:1").is_err() {
                    refused += 1;
                }
            }
        }
    });
    eprintln!(
        "fuzz sealed_file_editor: {refused} of {} edits refused by the check",
        report.execs
    );
}
