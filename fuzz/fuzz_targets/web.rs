//! The JSON API's request bodies through the whole router (`oneshot`, no socket) on an
//! SQLite store: POST /api/v1/diagnose, a note and a confirmation with any body, and the
//! search and list queries with any query string. Whatever arrives, the answer is never a
//! 5xx and is JSON — `{"error": {"code", "message"}}` when it is not a 2xx/3xx.
#![no_main]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use errdex_store::{Store, StoreConfig};
use errdex_web::{app, AppState, NotesOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower::ServiceExt;

const TOKEN: &str = "fuzz-admin-token-fuzz-admin-token";
const NOTES: &str = "/api/v1/errors/anthropic/authentication-error/notes";

struct Site {
    runtime: tokio::runtime::Runtime,
    router: Router,
    /// A published note, for confirmations.
    note: String,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        // SQLite in memory (shared by the pool's connections), migrated like a file.
        let store = runtime
            .block_on(Store::open(&StoreConfig {
                database_url: Some("sqlite::memory:".into()),
                data_dir: None,
            }))
            .expect("the SQLite store opens");
        let options = NotesOptions {
            admin_token: Some(TOKEN.into()),
            // No limits: a 429 would answer before the body is even read.
            notes_per_hour: 0,
            confirmations_per_hour: 0,
            ..NotesOptions::default()
        };
        let router = app(AppState::with_notes(errdex_kb::index(), Some(store), options));
        let note = runtime.block_on(async {
            let created = send(
                &router,
                post(
                    NOTES,
                    br#"{"text": "Regenerate the key in the console.", "sdk_version": "anthropic 0.40.0"}"#,
                ),
            )
            .await;
            assert_eq!(created.0, StatusCode::CREATED, "{}", created.1);
            let id = created.1["id"].as_str().expect("an id").to_string();
            let publish = Request::post(format!("/api/v1/admin/notes/{id}/publish"))
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap();
            let published = send(&router, publish).await;
            assert_eq!(published.0, StatusCode::OK, "{}", published.1);
            id
        });
        Site {
            runtime,
            router,
            note,
        }
    })
}

fn post(uri: &str, body: &[u8]) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_vec()))
        .unwrap()
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body is read");
    let json = match serde_json::from_slice(&bytes) {
        Ok(json) => json,
        // A redirect (a retired entry's old address) has no body.
        Err(_) if status.is_redirection() && bytes.is_empty() => serde_json::Value::Null,
        Err(e) => panic!(
            "{status}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        ),
    };
    (status, json)
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, rest)) = data.split_first() else {
        return;
    };
    let site = site();
    let request = match route % 5 {
        0 => post("/api/v1/diagnose", rest),
        1 => post(NOTES, rest),
        2 => post(&format!("/api/v1/notes/{}/confirmations", site.note), rest),
        n => {
            let Ok(query) = std::str::from_utf8(rest) else {
                return;
            };
            let path = if n == 3 {
                "/api/v1/search"
            } else {
                "/api/v1/errors"
            };
            match Request::builder()
                .method(Method::GET)
                .uri(format!("{path}?{query}"))
                .body(Body::empty())
            {
                Ok(request) => request,
                Err(_) => return, // not a URI: no client can send it
            }
        }
    };
    let (status, json) = site.runtime.block_on(send(&site.router, request));
    assert!(!status.is_server_error(), "{status}: {json}");
    if status.is_client_error() {
        let error = &json["error"];
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{status}: {json}"
        );
    }
});
