//! The input budget of one read: bytes per file or stream (bytes copied by YAML aliases count
//! against the same budget) and documents per stream, checked while reading, before allocating.

/// How much one input may hold. A limit hit is a [`super::ManifestError`] naming the limit; the
/// CLI adds the flag that raises it (`--max-file-size-mib`, `--max-documents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Bytes of one file or stream, and bytes that its YAML aliases may copy in addition.
    pub bytes: u64,
    /// YAML documents (or concatenated JSON values) in one file or stream.
    pub documents: usize,
}

/// Default size limit of one input: manifests are text; anything bigger is a mistake.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Default document limit of one stream: kubeconform's largest fixture has 100,000; each empty
/// document costs a few hundred bytes of bookkeeping, so 4 bytes of `---\n` must not buy one.
pub const DEFAULT_MAX_DOCUMENTS: usize = 200_000;

/// Deepest nesting of mappings and sequences in one document, counting what aliases copy in.
/// Not a flag: the deepest of 3,831 real documents read while choosing it (cert-manager's and
/// Argo CD's CRDs) nests 38 deep, and serde_json, which reads the API server's answers, stops
/// at the same 128. Every later stage recurses once per level, so a deeper document would
/// overflow the stack instead of getting an error.
pub const MAX_DEPTH: usize = 128;

impl Budget {
    /// A byte limit with the default document limit.
    pub const fn bytes(bytes: u64) -> Self {
        Budget {
            bytes,
            documents: DEFAULT_MAX_DOCUMENTS,
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::bytes(DEFAULT_MAX_BYTES)
    }
}

impl From<u64> for Budget {
    fn from(bytes: u64) -> Self {
        Budget::bytes(bytes)
    }
}
