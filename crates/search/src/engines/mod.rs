//! One module per engine: request shape, parameter support and response parsing.

mod brave;
mod google_cse;
mod searxng;
mod serpapi;
mod serper;

pub use brave::Brave;
pub use google_cse::GoogleCse;
pub use searxng::Searxng;
pub use serpapi::Serpapi;
pub use serper::Serper;

use chrono::{Datelike, NaiveDate};

/// Google's `tbs` custom date range, shared by Serper and SerpApi: `cdr:1,cd_min:M/D/YYYY,cd_max:M/D/YYYY`.
pub(crate) fn google_tbs(from: NaiveDate, to: NaiveDate) -> String {
    let us = |d: NaiveDate| format!("{}/{}/{}", d.month(), d.day(), d.year());
    format!("cdr:1,cd_min:{},cd_max:{}", us(from), us(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tbs_uses_unpadded_us_dates() {
        let from = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let to = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        assert_eq!(google_tbs(from, to), "cdr:1,cd_min:3/5/2024,cd_max:12/31/2024");
    }
}
