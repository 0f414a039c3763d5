//! The one list style: `?limit=` (default 50, max 500) and an opaque keyset `?cursor=`,
//! answered with `items` and `next_cursor` (absent on the last page).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use store::PageRequest;
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// A page of a list of project resources, optionally of one project only.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectPageParams {
    /// Only this project's items (by default every project you are a member of).
    pub project_id: Option<i64>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

impl ProjectPageParams {
    pub fn project(&self) -> Option<store::ProjectId> {
        self.project_id.map(store::ProjectId::new)
    }

    pub fn paging(&self) -> PageParams {
        PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A validated page request. The store is asked for one extra row to learn whether
/// another page exists.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub limit: u32,
    pub after: Option<i64>,
}

impl PageParams {
    pub fn validate(&self) -> AppResult<Paging> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                decode_cursor(c)
                    .ok_or_else(|| AppError::field("cursor", "is not a cursor returned by this list"))?,
            ),
        };
        Ok(Paging { limit, after })
    }
}

impl Paging {
    pub fn request(&self) -> PageRequest {
        PageRequest {
            after: self.after,
            limit: self.limit + 1,
        }
    }

    pub fn page<R, T>(&self, mut rows: Vec<R>, id: impl Fn(&R) -> i64, map: impl Fn(R) -> T) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(id(r)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

/// Paging through ranked hits: the cursor carries the last hit's relevance (bit-exact) and id.
#[derive(Debug, Clone, Copy)]
pub struct RankedPaging {
    pub limit: u32,
    pub after: Option<store::HitCursor>,
}

impl RankedPaging {
    pub fn validate(limit: Option<u32>, cursor: Option<&str>) -> AppResult<Self> {
        let paging = PageParams { limit, cursor: None }.validate()?;
        let after = match cursor {
            None => None,
            Some(c) => Some(
                decode_hit_cursor(c)
                    .ok_or_else(|| AppError::field("cursor", "is not a cursor returned by this list"))?,
            ),
        };
        Ok(Self {
            limit: paging.limit,
            after,
        })
    }

    /// Rows to ask the store for: one extra tells whether another page exists.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }

    pub fn page<T>(&self, mut rows: Vec<store::PageHit>, map: impl Fn(store::PageHit) -> T) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|h| encode_hit_cursor(h.score, h.id.get()))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

fn encode_hit_cursor(score: f64, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("r1:{:016x}:{id}", score.to_bits()))
}

fn decode_hit_cursor(cursor: &str) -> Option<store::HitCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (bits, id) = text.strip_prefix("r1:")?.split_once(':')?;
    let score = f64::from_bits(u64::from_str_radix(bits, 16).ok()?);
    let id: i64 = id.parse().ok()?;
    (score.is_finite() && id > 0).then_some(store::HitCursor {
        score,
        id: store::PageId::new(id),
    })
}

fn encode_cursor(id: i64) -> String {
    contract::cursor::encode(id)
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    contract::cursor::decode(cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for id in [1, 42, i64::MAX] {
            assert_eq!(decode_cursor(&encode_cursor(id)), Some(id));
        }
        for bad in [
            "",
            "abc",
            "!!!",
            &URL_SAFE_NO_PAD.encode("k1:-3"),
            &URL_SAFE_NO_PAD.encode("k2:3"),
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn hit_cursors_round_trip_exactly_and_reject_garbage() {
        for (score, id) in [(0.1 + 0.2, 7), (-3.5e-9, 1), (0.0, i64::MAX)] {
            let c = decode_hit_cursor(&encode_hit_cursor(score, id)).unwrap();
            assert_eq!((c.score.to_bits(), c.id.get()), (score.to_bits(), id));
        }
        for bad in [
            encode_cursor(3),
            URL_SAFE_NO_PAD.encode("r1:zz:3"),
            URL_SAFE_NO_PAD.encode(format!("r1:{:016x}:3", f64::NAN.to_bits())),
            URL_SAFE_NO_PAD.encode("r1:0:0"),
        ] {
            assert!(decode_hit_cursor(&bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn limits_are_bounded() {
        let p = |limit| {
            PageParams {
                limit: Some(limit),
                cursor: None,
            }
            .validate()
        };
        assert!(p(0).is_err());
        assert!(p(501).is_err());
        assert_eq!(p(500).unwrap().limit, 500);
        assert_eq!(PageParams::default().validate().unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn next_cursor_only_when_more_rows_exist() {
        let paging = Paging {
            limit: 2,
            after: None,
        };
        let page = paging.page(vec![5i64, 4, 3], |r| *r, |r| r);
        assert_eq!(page.items, vec![5, 4]);
        assert_eq!(page.next_cursor.as_deref().and_then(decode_cursor), Some(4));
        let last = paging.page(vec![2i64, 1], |r| *r, |r| r);
        assert!(last.next_cursor.is_none());
    }
}
