//! Feature hashing. Features are named by a template number and up to two strings, hashed
//! with FNV-1a 64: stable across platforms and releases, because committed model files
//! store the hashes.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub fn template(t: u8) -> Self {
        Fnv(OFFSET).byte(t)
    }

    fn byte(self, b: u8) -> Self {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(PRIME))
    }

    pub fn str(mut self, s: &str) -> Self {
        for b in s.bytes() {
            self = self.byte(b);
        }
        // A separator no UTF-8 text contains, so ("ab","c") ≠ ("a","bc").
        self.byte(0xff)
    }

    pub fn u32(mut self, n: u32) -> Self {
        for b in n.to_le_bytes() {
            self = self.byte(b);
        }
        self
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(PRIME);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type HashedMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

/// The last `n` characters (all of them when shorter).
pub(crate) fn suffix(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ => s,
    }
}

/// The first `n` characters.
pub(crate) fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A word's shape: runs of upper (X), lower (x), digit (d) and other characters, each run
/// at most two long (`Københavns` → `Xxx`, `2026` → `dd`, `CO2-udledning` → `XXd-xx`).
pub(crate) fn shape(word: &str) -> String {
    let mut out = String::with_capacity(8);
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if class == last {
            run += 1;
            if run > 2 {
                continue;
            }
        } else {
            run = 1;
            last = class;
        }
        out.push(class);
        if out.len() > 12 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_separated() {
        // Pinned: changing the hash invalidates every committed model.
        assert_eq!(Fnv::template(1).str("hund").finish(), 0x5489_e751_6926_48ea);
        assert_ne!(
            Fnv::template(1).str("ab").str("c").finish(),
            Fnv::template(1).str("a").str("bc").finish()
        );
    }

    #[test]
    fn affixes_and_shapes_count_characters() {
        assert_eq!(suffix("møller", 3), "ler");
        assert_eq!(suffix("på", 3), "på");
        assert_eq!(prefix("Øster", 2), "Øs");
        assert_eq!(shape("Københavns"), "Xxx");
        assert_eq!(shape("2026"), "dd");
        assert_eq!(shape("CO2-udledning"), "XXd-xx");
    }
}
