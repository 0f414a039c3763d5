//! The binary layout shared by the model files: little-endian numbers, strings with a u16
//! length, the whole payload zstd-compressed. Reading never panics on a bad file.

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a model file of this kind (bad magic)")]
    Magic,
    #[error("the model file is truncated or corrupt: {0}")]
    Corrupt(&'static str),
    #[error("the model file could not be decompressed: {0}")]
    Compression(String),
    #[error("no such model: {0}")]
    Unavailable(&'static str),
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = &s.as_bytes()[..s.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).ok_or(ModelError::Corrupt("length"))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or(ModelError::Corrupt("unexpected end"))?;
        self.at = end;
        Ok(slice)
    }

    pub fn string(&mut self) -> Result<String, ModelError> {
        let len = u16::from_le_bytes(self.array()?);
        std::str::from_utf8(self.take(usize::from(len))?)
            .map(str::to_owned)
            .map_err(|_| ModelError::Corrupt("word"))
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
}
