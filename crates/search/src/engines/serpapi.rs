use secrecy::SecretString;
use url::Url;

use crate::engine::*;

/// SerpApi (serpapi.com) with its Google engine: `GET /search.json`.
#[derive(Debug)]
pub struct Serpapi {
    pub endpoint: Url,
    pub api_key: SecretString,
}

impl Serpapi {
    pub const DEFAULT_BASE_URL: &'static str = "https://serpapi.com";
    const PAGE_SIZE: u32 = 10;
}

impl Engine for Serpapi {
    fn kind(&self) -> EngineKind {
        EngineKind::Serpapi
    }

    fn limits(&self) -> Limits {
        Limits {
            page_size: Self::PAGE_SIZE,
            max_results: None,
        }
    }

    fn check(&self, _params: &QueryParams) -> Result<(), Unsupported> {
        Ok(())
    }

    fn page_call(&self, params: &QueryParams, page: u32) -> HttpCall {
        let mut call = HttpCall::new(Method::Get, self.endpoint.clone())
            .param("engine", "google")
            .param("q", &params.text)
            .param("num", Self::PAGE_SIZE)
            .param("start", page * Self::PAGE_SIZE)
            .param_opt("gl", params.country.as_ref())
            .param_opt("hl", params.language.as_ref())
            .param_opt("location", params.location.as_ref())
            .param_opt("tbs", params.date_range().map(|(f, t)| super::google_tbs(f, t)));
        call.secret_query.push(("api_key", self.api_key.clone()));
        call
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError> {
        let v = json_body(self.kind(), body)?;
        // SerpApi reports some failures with HTTP 200 and an `error` field.
        if let Some(error) = text(&v, "error")
            && !error.starts_with("Google hasn't returned any results")
        {
            return Err(EngineError::Rejected {
                engine: self.kind(),
                status: 200,
                message: error,
            });
        }
        Ok(entries(self.kind(), &v, &["organic_results"])?
            .iter()
            .filter_map(|r| {
                Some(Hit {
                    url: text(r, "link")?,
                    title: text(r, "title"),
                    snippet: text(r, "snippet"),
                    date: text(r, "date"),
                })
            })
            .collect())
    }

    fn classify(&self, status: u16, body: &[u8]) -> EngineError {
        let message = error_message(body);
        let lower = message.to_ascii_lowercase();
        if status == 429 && (lower.contains("run out of searches") || lower.contains("plan")) {
            return EngineError::Quota {
                engine: self.kind(),
                status,
                message,
            };
        }
        classify_status(self.kind(), status, body)
    }
}
