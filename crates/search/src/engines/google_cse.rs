use secrecy::SecretString;
use url::Url;

use crate::engine::*;

/// Google Custom Search JSON API. Closed to new customers; Google ends it on 1 January 2027.
#[derive(Debug)]
pub struct GoogleCse {
    pub endpoint: Url,
    pub api_key: SecretString,
    /// The Programmable Search Engine id.
    pub cx: String,
}

impl GoogleCse {
    pub const DEFAULT_BASE_URL: &'static str = "https://www.googleapis.com";
    const PAGE_SIZE: u32 = 10;
    /// The API never returns results beyond the 100th.
    const CEILING: u32 = 100;
}

impl Engine for GoogleCse {
    fn kind(&self) -> EngineKind {
        EngineKind::GoogleCse
    }

    fn limits(&self) -> Limits {
        Limits {
            page_size: Self::PAGE_SIZE,
            max_results: Some(Self::CEILING),
        }
    }

    fn check(&self, params: &QueryParams) -> Result<(), Unsupported> {
        if params.location.is_some() {
            return Err(Unsupported {
                field: "location",
                message: "Google Custom Search has no location parameter; use country".into(),
            });
        }
        Ok(())
    }

    fn page_call(&self, params: &QueryParams, page: u32) -> HttpCall {
        let start = page * Self::PAGE_SIZE + 1;
        // The last result index (start + num - 1) may not pass the ceiling.
        let num = Self::PAGE_SIZE.min(Self::CEILING + 1 - start);
        let mut call = HttpCall::new(Method::Get, self.endpoint.clone())
            .param("cx", &self.cx)
            .param("q", &params.text)
            .param("num", num)
            .param("start", start)
            .param_opt("gl", params.country.as_ref())
            .param_opt("hl", params.language.as_ref())
            .param_opt("lr", params.language.as_ref().map(|l| format!("lang_{l}")))
            .param_opt(
                "sort",
                params
                    .date_range()
                    .map(|(f, t)| format!("date:r:{}:{}", f.format("%Y%m%d"), t.format("%Y%m%d"))),
            );
        call.secret_query.push(("key", self.api_key.clone()));
        call
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError> {
        let v = json_body(self.kind(), body)?;
        Ok(entries(self.kind(), &v, &["items"])?
            .iter()
            .filter_map(|r| {
                Some(Hit {
                    url: text(r, "link")?,
                    title: text(r, "title"),
                    snippet: text(r, "snippet"),
                    date: None,
                })
            })
            .collect())
    }

    fn classify(&self, status: u16, body: &[u8]) -> EngineError {
        // Google reports an exhausted daily quota as 429 or 403 with reason rateLimitExceeded/dailyLimitExceeded.
        let message = error_message(body);
        let raw = String::from_utf8_lossy(body).to_ascii_lowercase();
        if (status == 403 || status == 429) && (raw.contains("quota") || raw.contains("dailylimit")) {
            return EngineError::Quota {
                engine: self.kind(),
                status,
                message,
            };
        }
        classify_status(self.kind(), status, body)
    }
}
