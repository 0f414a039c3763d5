//! What a session request may say: field errors, engine capabilities, CSV uploads, URL lists.

use super::*;

#[tokio::test]
async fn bad_sessions_are_refused_with_field_errors() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;
    let post = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move { app.post_json("/api/search/sessions", Some(&token), &body).await }
    };

    let body = assert_error(
        post(json!({"name": "", "engine": "serper", "queries": ["a", " "], "max_results": 500})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields = error_fields(&body);
    for f in ["name", "max_results", "queries[1]"] {
        assert!(fields.contains(&f.to_owned()), "{f}: {body}");
    }

    let body = assert_error(
        post(json!({"name": "n", "engine": "brave", "queries": ["a"], "max_results": 10})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["engine"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("OBSERVATORY_SEARCH__BRAVE__API_KEY")
    );

    let body = assert_error(
        post(json!({"name": "n", "engine": "google", "queries": ["a"], "max_results": 10})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown variant")
    );

    assert_error(
        post(json!({"name": "n", "engine": "serper", "queries": ["a"], "max_results": 10, "colour": "red"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    )
    .await;
    let body = assert_error(
        post(
            json!({"name": "n", "engine": "serper", "queries": ["a"], "max_results": 10,
            "date_from": "2030-01-01", "date_to": "2024-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["date_from", "date_from"]);

    let list = json(app.get("/api/search/sessions", Some(&token)).await).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn an_engine_that_cannot_honour_a_parameter_is_refused() {
    let searxng = MockServer::start().await;
    let uri = searxng.uri();
    let app = spawn_app_with(
        move |s| s.search.searxng.base_url = Some(uri),
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("alice", false).await;
    let body = assert_error(
        app.post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "n", "engine": "searxng", "queries": ["a"], "max_results": 10, "date_from": "2024-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["date_from"]);
    assert!(body["error"]["message"].as_str().unwrap().contains("time_range"));

    let engines = json(app.get("/api/search/engines", Some(&token)).await).await;
    let by_name = |n: &str| {
        engines
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["engine"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("searxng")["configured"], true);
    assert_eq!(by_name("serper")["configured"], false);
    assert!(
        by_name("google_cse")["note"]
            .as_str()
            .unwrap()
            .contains("1 January 2027")
    );
    assert_eq!(by_name("brave")["configured"], false);
}

fn csv_form(csv: &str) -> Form {
    Form::new()
        .text("name", "From CSV")
        .text("engine", "serper")
        .text("max_results", "10")
        .part(
            "file",
            Part::bytes(csv.as_bytes().to_vec())
                .file_name("queries.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
}

#[tokio::test]
async fn csv_uploads_carry_per_query_settings_and_bad_files_create_nothing() {
    let (serper, _) = mock_serper(Duration::ZERO).await;
    let app = app_with_serper(&serper).await;
    let (_, token) = app.user_with_token("alice", false).await;

    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form("query,max_results,language\ntopic 1,,\ntopic 2,25,en\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::ACCEPTED,
        "{}",
        res.text().await.unwrap()
    );
    let id = json(res).await["id"].as_i64().unwrap();
    let s = wait_for_session(&app, id, &token).await;
    assert_eq!(s["queries"][0]["result_count"], 10);
    assert_eq!(s["queries"][1]["result_count"], 25);
    assert_eq!(s["queries"][1]["params"]["language"], "en");

    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form(
            "query,max_results,date_from\nok,10,\n,5,\nx,many,\ny,3,31/12/2024\nz,999,\n",
        ))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let messages: Vec<&str> = body["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec![
            "line 3: query is empty",
            "line 4: max_results `many` is not a whole number",
            "line 5: date_from `31/12/2024` is not a date (YYYY-MM-DD)",
        ]
    );
    // Rows that parse but fail validation are reported by line too.
    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(csv_form("query,max_results\nok,10\nz,999\n"))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["file line 3: max_results"]);

    let list = json(app.get("/api/search/sessions", Some(&token)).await).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only the good file made a session"
    );
}

#[tokio::test]
async fn manual_url_lists_are_sessions_without_an_engine() {
    let app = spawn_app_with(
        |_| {},
        ServeMode {
            workers: false,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("alice", false).await;
    let res = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "Sites no engine found", "engine": "manual",
                "urls": ["https://www.Energinet.dk/om-os#x", "https://energinet.dk/nyheder", "https://bbc.co.uk/news"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let s = json(res).await;
    assert_eq!(s["status"], "done");
    assert_eq!(s["job_id"], Value::Null);
    let id = s["id"].as_i64().unwrap();
    let domains = all_pages(&app, &format!("/api/search/sessions/{id}/domains"), &token).await;
    let names: Vec<&str> = domains.iter().map(|d| d["domain"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["energinet.dk", "bbc.co.uk"]);
    let urls = all_pages(&app, &format!("/api/search/sessions/{id}/urls"), &token).await;
    assert_eq!(urls[0]["url"], "https://www.energinet.dk/om-os");

    let form = Form::new()
        .text("name", "uploaded")
        .text("engine", "manual")
        .part(
            "file",
            Part::bytes(b"url\nhttps://a.dk/\nnot a url\n".to_vec()).file_name("urls.txt"),
        );
    let res = app
        .request(reqwest::Method::POST, "/api/search/sessions", Some(&token))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["urls[1]"]);
}
