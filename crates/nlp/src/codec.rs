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

/// Averaged perceptron weights as stored: per feature hash, the (class, weight) cells kept.
pub(crate) type SparseWeights = Vec<(u64, Vec<(u8, f32)>)>;

/// Writes sparse weights quantized to 16 bits with one shared scale.
pub(crate) fn put_sparse(out: &mut Vec<u8>, sparse: &[(u64, Vec<(u8, f32)>)]) {
    let max = sparse
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(_, w)| w.abs()))
        .fold(0.0f32, f32::max);
    let scale = if max > 0.0 { max / f32::from(i16::MAX) } else { 1.0 };
    out.extend_from_slice(&scale.to_le_bytes());
    out.extend_from_slice(&(sparse.len() as u64).to_le_bytes());
    for (feature, cells) in sparse {
        out.extend_from_slice(&feature.to_le_bytes());
        out.push(cells.len() as u8);
        for (class, w) in cells {
            out.push(*class);
            let q = (w / scale)
                .round()
                .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
    }
}

/// Reads what [`put_sparse`] wrote, refusing classes outside `0..classes`.
pub(crate) fn read_sparse(r: &mut Reader<'_>, classes: usize) -> Result<SparseWeights, ModelError> {
    let scale = f32::from_le_bytes(r.array()?);
    let n = u64::from_le_bytes(r.array()?);
    let mut sparse = Vec::with_capacity(usize::try_from(n).unwrap_or(0).min(10_000_000));
    for _ in 0..n {
        let feature = u64::from_le_bytes(r.array()?);
        let count = r.take(1)?[0];
        let mut cells = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let class = r.take(1)?[0];
            if usize::from(class) >= classes {
                return Err(ModelError::Corrupt("class index"));
            }
            cells.push((class, f32::from(i16::from_le_bytes(r.array()?)) * scale));
        }
        sparse.push((feature, cells));
    }
    Ok(sparse)
}
