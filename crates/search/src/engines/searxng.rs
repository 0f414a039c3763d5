use url::Url;

use crate::engine::*;

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
        if params.date_from.is_some() || params.date_to.is_some() {
            return Err(Unsupported {
                field: "date_from",
                message:
                    "SearXNG only filters by time_range (day, month, year back from now), not by date range"
                        .into(),
            });
        }
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
