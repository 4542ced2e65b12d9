//! The OpenAPI document: it parses as OpenAPI 3.1, every reference in it resolves, and
//! every route it lists answers as it says.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use errdex_web::{app, ApiDoc, AppState};
use http_body_util::BodyExt;
use tower::ServiceExt;
use utoipa::OpenApi;

async fn call(request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let state = AppState::new(errdex_kb::index(), None);
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

#[tokio::test]
async fn every_route_in_the_document_answers_2xx() {
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 10, "{:?}", paths.keys());
    for (path, item) in paths {
        let uri = path
            .replace("{provider}", "anthropic")
            .replace("{slug}", "authentication-error");
        for method in item.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => Request::get(&uri).body(Body::empty()).unwrap(),
                "post" => Request::post(&uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        r#"{"text": "anthropic.AuthenticationError: Error code: 401"}"#,
                    ))
                    .unwrap(),
                other => panic!("{other} {path}: add it to this test"),
            };
            let (status, body) = call(request).await;
            // /readyz has no database in this test: 503 is its documented answer.
            let documented = item[method]["responses"]
                .as_object()
                .unwrap()
                .contains_key(status.as_str());
            assert!(
                status.is_success() || (path == "/readyz" && documented),
                "{method} {uri}: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
}
