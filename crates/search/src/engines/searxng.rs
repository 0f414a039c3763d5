use chrono::{Days, Months, NaiveDate, Utc};
use url::Url;

use crate::engine::*;

/// SearXNG filters only by windows back from today. A date range that is exactly such a
/// window (ending today) is sent as one; any other range cannot be honoured.
fn time_range(params: &QueryParams, today: NaiveDate) -> Result<Option<&'static str>, Unsupported> {
    let Some((from, to)) = params.date_range() else {
        return Ok(None);
    };
    let windows = [
        (today.checked_sub_days(Days::new(1)), "day"),
        (today.checked_sub_months(Months::new(1)), "month"),
        (today.checked_sub_months(Months::new(12)), "year"),
    ];
    match windows.iter().find(|(start, _)| *start == Some(from)) {
        Some((_, name)) if to == today => Ok(Some(name)),
        _ => Err(Unsupported {
            field: "date_from",
            message: format!(
                "SearXNG only filters by time_range (the last day, month or year up to today); \
                 for those use date_from {}, {} or {} with no date_to",
                windows[0].0.map(|d| d.to_string()).unwrap_or_default(),
                windows[1].0.map(|d| d.to_string()).unwrap_or_default(),
                windows[2].0.map(|d| d.to_string()).unwrap_or_default(),
            ),
        }),
    }
}

/// A self-hosted SearXNG instance: `GET /search?format=json`. No key.
#[derive(Debug)]
pub struct Searxng {
    pub endpoint: Url,
}

impl Searxng {
    /// Instances return roughly 10–20 results per page; paging stops at the first empty page.
    const PAGE_SIZE: u32 = 10;
}

impl Engine for Searxng {
    fn kind(&self) -> EngineKind {
        EngineKind::Searxng
    }

    fn limits(&self) -> Limits {
        Limits {
            page_size: Self::PAGE_SIZE,
            max_results: None,
        }
    }

    fn check(&self, params: &QueryParams) -> Result<(), Unsupported> {
        time_range(params, Utc::now().date_naive())?;
        if params.location.is_some() {
            return Err(Unsupported {
                field: "location",
                message: "SearXNG has no location parameter".into(),
            });
        }
        if params.country.is_some() && params.language.is_none() {
            return Err(Unsupported {
                field: "country",
                message: "SearXNG selects a region through the language (e.g. da-DK): give a language too"
                    .into(),
            });
        }
        Ok(())
    }

    fn page_call(&self, params: &QueryParams, page: u32) -> HttpCall {
        let language = match (&params.language, &params.country) {
            (Some(l), Some(c)) => Some(format!("{l}-{}", c.to_ascii_uppercase())),
            (Some(l), None) => Some(l.clone()),
            _ => None,
        };
        HttpCall::new(Method::Get, self.endpoint.clone())
            .param("q", &params.text)
            .param("format", "json")
            .param("pageno", page + 1)
            .param_opt("language", language)
            .param_opt(
                "time_range",
                time_range(params, Utc::now().date_naive()).ok().flatten(),
            )
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError> {
        let v = json_body(self.kind(), body)?;
        Ok(entries(self.kind(), &v, &["results"])?
            .iter()
            .filter_map(|r| {
                Some(Hit {
                    url: text(r, "url")?,
                    title: text(r, "title"),
                    snippet: text(r, "content"),
                    date: text(r, "publishedDate"),
                })
            })
            .collect())
    }

    fn classify(&self, status: u16, body: &[u8]) -> EngineError {
        if status == 403 {
            return EngineError::JsonDisabled;
        }
        classify_status(self.kind(), status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(from: Option<NaiveDate>, to: Option<NaiveDate>) -> QueryParams {
        QueryParams {
            text: "q".into(),
            max_results: 10,
            language: None,
            country: None,
            location: None,
            date_from: from,
            date_to: to,
        }
    }

    #[test]
    fn only_windows_ending_today_are_time_ranges() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(time_range(&params(None, None), today).unwrap(), None);
        assert_eq!(
            time_range(&params(d(2026, 3, 30), Some(today)), today).unwrap(),
            Some("day")
        );
        assert_eq!(
            time_range(&params(d(2026, 2, 28), Some(today)), today).unwrap(),
            Some("month")
        );
        assert_eq!(
            time_range(&params(d(2025, 3, 31), Some(today)), today).unwrap(),
            Some("year")
        );
        let err = time_range(&params(d(2026, 1, 1), Some(today)), today).unwrap_err();
        assert!(err.message.contains("2026-02-28"), "{}", err.message);
        assert!(time_range(&params(d(2025, 3, 31), d(2026, 3, 1)), today).is_err());
    }
}
