//! The one opaque keyset cursor every list hands out (`next_cursor`) and takes back
//! (`cursor`): the API and the CLI share it, so a cursor printed by one works in the other.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The cursor after the item keyed `key` (an id, or a position in a fixed order).
pub fn encode(key: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("k1:{key}"))
}

/// The key a cursor from [`encode`] carries; `None` for anything else.
pub fn decode(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let key: i64 = text.strip_prefix("k1:")?.parse().ok()?;
    (key > 0).then_some(key)
}
