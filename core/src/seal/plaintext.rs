//! `Plaintext`: the one type that holds a secret value in memory — zeroized on drop, never Debug.

use zeroize::Zeroizing;

/// Raw bytes of one secret value (a decoded `data[k]`, a `stringData[k]`, or an unsealed item).
///
/// Deliberately implements neither `Debug` nor `Display`: the bytes can only be reached through
/// [`Plaintext::as_bytes`], so they cannot end up in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl Plaintext {
    /// Takes ownership of the bytes; they are wiped when the value is dropped.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Copies the bytes into a new zeroizing buffer.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self::new(bytes.to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for Plaintext {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Plaintext {
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl Plaintext {
    /// Runs an in-place transformation (AEAD open) on the buffer without copying it out.
    pub(crate) fn open_in_place_with<E>(
        &mut self,
        f: impl FnOnce(&mut [u8]) -> Result<usize, E>,
    ) -> Result<usize, E> {
        f(self.0.as_mut_slice())
    }

    /// Shortens the buffer; the cut-off bytes are wiped first.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.0.len() {
            zeroize::Zeroize::zeroize(&mut self.0[len..]);
            self.0.truncate(len);
        }
    }
}
