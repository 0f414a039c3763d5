//! Action forms without JavaScript. A button such as *Cancel* or *Run the analysis* stands
//! for one API route; posted as a plain form it comes here, is sent to that route as this
//! user, and answers with a redirect, as after any form post. With JavaScript the same form
//! posts to the API directly (`forms.js`).

use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::ui::api::ApiFailure;
use crate::ui::page::{Ui, local_path, not_found_page};

/// The routes an action form may stand for; `{n}` is an id.
const ACTIONS: [&str; 5] = [
    "/api/crawls/{n}/cancel",
    "/api/crawls/{n}/resume",
    "/api/crawls/{n}/analyses",
    "/api/search/sessions/{n}/rerun",
    "/api/search/sessions/{n}/analyses",
];

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(rename = "_api")]
    api: String,
    /// Where to go afterwards; `{id}` is taken from the API's answer.
    #[serde(rename = "_then")]
    then: Option<String>,
}

fn is_action(path: &str) -> bool {
    ACTIONS.iter().any(|pattern| {
        let (want, got): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
        want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| {
                if *w == "{n}" {
                    !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())
                } else {
                    w == g
                }
            })
    })
}

fn fill(template: &str, answer: &Value) -> String {
    let id = answer["id"].as_i64().map(|id| id.to_string()).unwrap_or_default();
    template.replace("{id}", &id)
}

pub async fn act(ui: Ui, Form(form): Form<ActionForm>) -> Result<Response, ApiFailure> {
    if !is_action(&form.api) {
        return Ok(not_found_page());
    }
    let answer = ui.post(&form.api, &json!({})).await?;
    let then = form.then.map(|t| fill(&t, &answer));
    Ok(Redirect::to(local_path(then.as_deref())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_routes_with_numeric_ids_are_actions() {
        assert!(is_action("/api/crawls/12/cancel"));
        assert!(is_action("/api/search/sessions/3/rerun"));
        assert!(!is_action("/api/crawls/x/cancel"));
        assert!(!is_action("/api/crawls//cancel"));
        assert!(!is_action("/api/admin/users"));
        assert!(!is_action("/api/crawls/1/cancel/extra"));
        assert!(!is_action("https://evil.example/api/crawls/1/cancel"));
    }

    #[test]
    fn the_answer_s_id_fills_the_target() {
        assert_eq!(fill("/sessions/{id}", &json!({"id": 7})), "/sessions/7");
        assert_eq!(fill("/crawls/3", &json!({})), "/crawls/3");
    }
}
