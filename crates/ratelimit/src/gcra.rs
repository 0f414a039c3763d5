//! The algorithm itself, as a pure function over microsecond timestamps. The Redis script
//! in `redis_backend.rs` is a line-by-line transcription of it.

use std::time::Duration;

use crate::{Decision, Quota};

/// Decides one request at `now`, given the key's stored theoretical arrival time (`None`
/// when the key has no state). Returns the decision and, when allowed, the new arrival
/// time to store.
///
/// The arrival time runs ahead of `now` by one interval per request spent; a request is
/// refused when spending it would put the arrival time more than one period ahead.
pub fn decide(stored_tat: Option<u64>, now: u64, quota: Quota) -> (Decision, Option<u64>) {
    let interval = quota.interval_micros();
    let period = quota.period_micros();
    let tat = stored_tat.unwrap_or(now).max(now);
    let new_tat = tat.saturating_add(interval);
    let allow_at = new_tat.saturating_sub(period);
    if now < allow_at {
        let decision = Decision {
            allowed: false,
            limit: quota.limit,
            remaining: 0,
            reset: Duration::from_micros(tat - now),
            retry_after: Some(Duration::from_micros(allow_at - now)),
        };
        return (decision, None);
    }
    (allowed(new_tat - now, quota), Some(new_tat))
}

/// The decision for an allowed request that left the arrival time `ahead` of now.
pub(crate) fn allowed(ahead: u64, quota: Quota) -> Decision {
    let spare = quota.period_micros().saturating_sub(ahead);
    let remaining = u32::try_from(spare / quota.interval_micros()).unwrap_or(u32::MAX);
    Decision {
        allowed: true,
        limit: quota.limit,
        remaining: remaining.min(quota.limit.saturating_sub(1)),
        reset: Duration::from_micros(ahead),
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = 1_000_000;

    #[test]
    fn a_full_quota_is_available_at_once_then_refills_one_interval_at_a_time() {
        let q = Quota::per_minute(3); // one request per 20 s
        let (d1, t1) = decide(None, 0, q);
        assert!(d1.allowed);
        assert_eq!(d1.remaining, 2);
        assert_eq!(d1.reset, Duration::from_secs(20));
        let (d2, t2) = decide(t1, 0, q);
        assert_eq!((d2.allowed, d2.remaining), (true, 1));
        let (d3, t3) = decide(t2, 0, q);
        assert_eq!((d3.allowed, d3.remaining), (true, 0));
        assert_eq!(d3.reset, Duration::from_secs(60));
        let (d4, t4) = decide(t3, 0, q);
        assert!(!d4.allowed);
        assert_eq!(t4, None, "a refused request spends nothing");
        assert_eq!(d4.retry_after, Some(Duration::from_secs(20)));
        // 20 s later exactly one request is back.
        let (d5, t5) = decide(t3, 20 * SEC, q);
        assert_eq!((d5.allowed, d5.remaining), (true, 0));
        let (d6, _) = decide(t5, 20 * SEC, q);
        assert!(!d6.allowed);
        // After a whole idle period the stored time is in the past: a fresh quota.
        let (d7, _) = decide(t5, 200 * SEC, q);
        assert_eq!((d7.allowed, d7.remaining), (true, 2));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let q = Quota::per_minute(7);
        let mut tat = None;
        for _ in 0..7 {
            let (d, t) = decide(tat, 0, q);
            assert!(d.allowed);
            tat = t;
        }
        let (d, _) = decide(tat, 0, q);
        assert_eq!(d.retry_after_secs(), Some(9)); // 60/7 = 8.57 s
    }
}
