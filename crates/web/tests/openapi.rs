//! The OpenAPI document: it parses as OpenAPI 3.1, every reference in it resolves, and
//! every route it lists answers as it says.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use errdex_web::{app, ApiDoc, AppState};
use http_body_util::BodyExt;
use tower::ServiceExt;
use utoipa::OpenApi;

async fn call(request: Request<Body>) -> (StatusCode, Vec<u8>) {
    call_with(AppState::new(errdex_kb::index(), None), request).await
}

async fn call_with(state: AppState, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app(state).oneshot(request).await.unwrap();
    let status = response.status();
    (
        status,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

fn document() -> serde_json::Value {
    serde_json::from_str(&ApiDoc::openapi().to_json().unwrap()).unwrap()
}

#[tokio::test]
async fn the_served_document_is_valid_openapi_3_1() {
    let (status, body) = call(Request::get("/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let spec = oas3::from_json(&text).expect("parses as OpenAPI 3.1");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        document()
    );
}

#[test]
fn every_reference_resolves_and_every_operation_answers_something() {
    let doc = document();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}: no 2xx"
            );
        }
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Every documented route, with a database (SQLite) and moderation on, answers 2xx to a
/// request that fits it: `{id}` is a published note made for each call.
#[tokio::test]
async fn every_route_in_the_document_answers_2xx() {
    let dir = tempfile::tempdir().unwrap();
    let store = errdex_store::Store::open(&errdex_store::StoreConfig {
        database_url: None,
        data_dir: Some(dir.path().to_path_buf()),
    })
    .await
    .unwrap();
    let options = errdex_web::NotesOptions {
        admin_token: Some("openapi-test-token".into()),
        ..Default::default()
    };
    let state = AppState::with_notes(errdex_kb::index(), Some(store.clone()), options);
    // One body that fits every JSON request of the API (unknown fields are ignored).
    let body = r#"{"text": "anthropic.AuthenticationError: Error code: 401", "sdk_version": "anthropic 0.40.0", "worked": true, "reason": "test"}"#;
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 10, "{:?}", paths.keys());
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let note = store
                .create_note(&errdex_store::NewNote {
                    entry_id: "anthropic/authentication-error".into(),
                    text: "A published note for the test.".into(),
                    sdk_package: "anthropic".into(),
                    sdk_version: "0.40.0".into(),
                    name: None,
                })
                .await
                .unwrap();
            store.publish(note.id, "test").await.unwrap();
            let uri = path
                .replace("{provider}", "anthropic")
                .replace("{slug}", "authentication-error")
                .replace("{id}", &note.id.to_string());
            let builder = match method.as_str() {
                "get" => Request::get(&uri),
                "post" => Request::post(&uri).header(header::CONTENT_TYPE, "application/json"),
                "delete" => Request::delete(&uri),
                other => panic!("{other} {path}: add it to this test"),
            }
            .header(header::AUTHORIZATION, "Bearer openapi-test-token");
            let request = match method.as_str() {
                "post" => builder.body(Body::from(body)).unwrap(),
                _ => builder.body(Body::empty()).unwrap(),
            };
            let (status, body) = call_with(state.clone(), request).await;
            let documented = item[method]["responses"]
                .as_object()
                .unwrap()
                .contains_key(status.as_str());
            assert!(
                status.is_success() && documented,
                "{method} {uri}: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
}
