use secrecy::SecretString;
use url::Url;

use crate::engine::*;

/// Brave Search API: `GET /res/v1/web/search`, up to 20 results per page and 10 pages.
#[derive(Debug)]
pub struct Brave {
    pub endpoint: Url,
    pub api_key: SecretString,
}

impl Brave {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.search.brave.com";
    const PAGE_SIZE: u32 = 20;
    /// `offset` counts pages and may be at most 9.
    const MAX_PAGES: u32 = 10;
}

impl Engine for Brave {
    fn kind(&self) -> EngineKind {
        EngineKind::Brave
    }

    fn limits(&self) -> Limits {
        Limits {
            page_size: Self::PAGE_SIZE,
            max_results: Some(Self::PAGE_SIZE * Self::MAX_PAGES),
        }
    }

    fn check(&self, params: &QueryParams) -> Result<(), Unsupported> {
        if params.location.is_some() {
            return Err(Unsupported {
                field: "location",
                message: "Brave Search has no location parameter; use country".into(),
            });
        }
        Ok(())
    }

    fn page_call(&self, params: &QueryParams, page: u32) -> HttpCall {
        let mut call = HttpCall::new(Method::Get, self.endpoint.clone())
            .param("q", &params.text)
            .param("count", Self::PAGE_SIZE)
            .param("offset", page)
            .param_opt("country", params.country.as_ref().map(|c| c.to_ascii_uppercase()))
            .param_opt("search_lang", params.language.as_ref())
            .param_opt(
                "freshness",
                params
                    .date_range()
                    .map(|(f, t)| format!("{}to{}", f.format("%Y-%m-%d"), t.format("%Y-%m-%d"))),
            );
        call.headers.push(("Accept", "application/json".into()));
        call.secret_headers
            .push(("X-Subscription-Token", self.api_key.clone()));
        call
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError> {
        let v = json_body(self.kind(), body)?;
        Ok(entries(self.kind(), &v, &["web", "results"])?
            .iter()
            .filter_map(|r| {
                Some(Hit {
                    url: text(r, "url")?,
                    title: text(r, "title"),
                    snippet: text(r, "description"),
                    date: text(r, "page_age").or_else(|| text(r, "age")),
                })
            })
            .collect())
    }
}
