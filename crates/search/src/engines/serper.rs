use secrecy::SecretString;
use serde_json::{Map, Value};
use url::Url;

use crate::engine::*;

/// Serper (google.serper.dev): Google results, `POST /search` with a JSON body.
#[derive(Debug)]
pub struct Serper {
    pub endpoint: Url,
    pub api_key: SecretString,
}

impl Serper {
    pub const DEFAULT_BASE_URL: &'static str = "https://google.serper.dev";
    const PAGE_SIZE: u32 = 10;
}

impl Engine for Serper {
    fn kind(&self) -> EngineKind {
        EngineKind::Serper
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
        let mut body = Map::new();
        body.insert("q".into(), params.text.clone().into());
        body.insert("num".into(), Self::PAGE_SIZE.into());
        body.insert("page".into(), (page + 1).into());
        if let Some(gl) = &params.country {
            body.insert("gl".into(), gl.clone().into());
        }
        if let Some(hl) = &params.language {
            body.insert("hl".into(), hl.clone().into());
        }
        if let Some(location) = &params.location {
            body.insert("location".into(), location.clone().into());
        }
        if let Some((from, to)) = params.date_range() {
            body.insert("tbs".into(), super::google_tbs(from, to).into());
        }
        let mut call = HttpCall::new(Method::Post, self.endpoint.clone());
        call.secret_headers.push(("X-API-KEY", self.api_key.clone()));
        call.json = Some(Value::Object(body));
        call
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Hit>, EngineError> {
        let v = json_body(self.kind(), body)?;
        Ok(entries(self.kind(), &v, &["organic"])?
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
        // Serper answers an exhausted credit balance with 400 "Not enough credits".
        let message = error_message(body);
        if message.to_ascii_lowercase().contains("credits") {
            return EngineError::Quota {
                engine: self.kind(),
                status,
                message,
            };
        }
        classify_status(self.kind(), status, body)
    }
}
