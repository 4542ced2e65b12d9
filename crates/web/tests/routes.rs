//! Every route through `app(state).oneshot(...)`, without a socket.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Request, StatusCode};
use errdex_entry::{EntryId, Index, Status};
use errdex_web::{app, AppState};
use http_body_util::BodyExt;
use tower::ServiceExt;

const ENTRY: &str = "anthropic/authentication-error";

fn state() -> AppState {
    AppState::new(errdex_kb::index(), None)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// An API error: the status and `{"error": {"code", "message"}}`.
    fn assert_api_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type().starts_with("application/json"),
            "{}",
            self.content_type()
        );
        let json = self.json();
        assert_eq!(json["error"]["code"], code, "{json}");
        assert!(json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }

    fn assert_html_error(&self, status: StatusCode) {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type().starts_with("text/html"),
            "{}",
            self.content_type()
        );
        assert!(
            self.text().contains(&format!("<h1>{}", status.as_u16())),
            "{}",
            self.text()
        );
    }
}

async fn send_to(state: AppState, request: Request<Body>) -> Answer {
    let response = app(state).oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

async fn send(request: Request<Body>) -> Answer {
    send_to(state(), request).await
}

async fn get(uri: &str) -> Answer {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn every_page_and_document_answers_200() {
    for (uri, content_type) in [
        ("/", "text/html"),
        ("/errors/anthropic", "text/html"),
        ("/errors/anthropic?kind=authentication", "text/html"),
        ("/kinds/authentication", "text/html"),
        ("/kinds/authentication?provider=anthropic", "text/html"),
        ("/search", "text/html"),
        ("/search?q=invalid+api+key", "text/html"),
        ("/errors/anthropic/authentication-error", "text/html"),
        (
            "/errors/anthropic/authentication-error/verification",
            "text/html",
        ),
        ("/static/errdex.css", "text/css"),
        ("/static/errdex.js", "text/javascript"),
        ("/llms.txt", "text/plain"),
        ("/sitemap.xml", "application/xml"),
        ("/healthz", "application/json"),
        ("/metrics", "text/plain"),
        ("/openapi.json", "application/json"),
        ("/api/v1/errors", "application/json"),
        (
            "/api/v1/errors?provider=anthropic&kind=authentication&q=key&limit=5&offset=0",
            "application/json",
        ),
        (
            "/api/v1/errors/anthropic/authentication-error",
            "application/json",
        ),
        ("/api/v1/search?q=invalid+api+key", "application/json"),
    ] {
        let a = get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text());
        assert!(
            a.content_type().starts_with(content_type),
            "{uri}: {}",
            a.content_type()
        );
        assert!(a.headers.contains_key("x-request-id"), "{uri}");
    }
}

#[tokio::test]
async fn the_entry_page_has_every_section_in_product_order() {
    let html = get("/errors/anthropic/authentication-error").await.text();
    let order = [
        "class=\"meta\"",
        "<h1>",
        "class=\"exceptions\"",
        "id=\"meaning\"",
        "id=\"stack-trace\"",
        "id=\"quick-fix\"",
        "id=\"why\"",
        "id=\"detection\"",
        "id=\"causes\"",
        "id=\"code\"",
        "id=\"workaround\"",
        "id=\"prevention\"",
        "id=\"compatibility\"",
        "id=\"verified\"",
        "id=\"notes\"",
    ];
    let mut at = 0;
    for marker in order {
        let found = html[at..]
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} missing or out of order"));
        at += found;
    }
    assert!(
        html.contains("href=\"/errors/anthropic/authentication-error/verification\">Verify</a>")
    );
    assert!(html.contains("class=\"example broken\"") && html.contains("class=\"example fixed\""));
    assert!(
        html.contains("<span class=\"hl-"),
        "code is highlighted at build time"
    );
    assert!(html.contains("<html lang=\"en\">") && html.contains("<main id=\"main\""));
    // No external fonts, scripts or styles: the site works offline.
    assert!(!html.contains("src=\"http") && !html.contains("url(http"));
    assert!(html
        .match_indices("<link ")
        .all(|(i, _)| html[i..].starts_with("<link rel=\"stylesheet\" href=\"/static/")));
}

#[tokio::test]
async fn unknown_ids_are_404_as_a_page_and_as_json() {
    for uri in [
        "/errors/anthropic/no-such-error",
        "/errors/nosuchprovider/authentication-error",
        "/errors/nosuchprovider",
        "/kinds/no_such_kind",
        "/no/such/page",
    ] {
        get(uri).await.assert_html_error(StatusCode::NOT_FOUND);
    }
    for uri in [
        "/api/v1/errors/anthropic/no-such-error",
        "/api/v1/errors/claude/authentication-error",
        "/api/v1/nothing",
    ] {
        get(uri)
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn path_traversal_in_the_id_finds_nothing() {
    for uri in [
        "/errors/anthropic/..%2F..%2F..%2Fetc%2Fpasswd",
        "/errors/..%2F..%2Fetc/passwd",
        "/errors/anthropic/%2e%2e",
        "/errors/anthropic/authentication-error%2F..%2F..%2FCargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/e/../../etc/passwd",
        "/errors/../../etc/passwd",
        "/errors/anthropic/..%5C..%5C..%5Cetc%5Cpasswd",
        "/errors/anthropic/authentication-error%00",
        "/errors/anthropic/%00",
        "/errors/anthropic/%252e%252e%252fCargo.toml",
        "/errors/%2e%2e/%2e%2e",
    ] {
        let a = get(uri).await;
        a.assert_html_error(StatusCode::NOT_FOUND);
        assert!(!a.text().contains("root:") && !a.text().contains("[package]"));
    }
    for uri in [
        "/api/v1/errors/anthropic/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/errors/..%2Fkb/authentication-error",
        "/api/v1/errors/anthropic/..%5C..%5Cetc%5Cpasswd",
        "/api/v1/errors/anthropic/authentication-error%00",
        "/api/v1/errors/anthropic/%2e%2e",
        "/api/v1/errors/../../etc/passwd",
    ] {
        get(uri)
            .await
            .assert_api_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let a = send(
        Request::delete("/api/v1/errors")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    a.assert_api_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(a.headers.contains_key(header::ALLOW));
    let a = send(
        Request::get("/api/v1/diagnose")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    a.assert_api_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let a = send(
        Request::put("/errors/anthropic/authentication-error")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    a.assert_html_error(StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bodies_over_one_megabyte_are_413() {
    let text = "x".repeat(2 * 1024 * 1024);
    let json = serde_json::to_vec(&serde_json::json!({ "text": text })).unwrap();
    send(post("/api/v1/diagnose", "application/json", json.clone()))
        .await
        .assert_api_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let form = format!("text={text}");
    send(post("/diagnose", "application/x-www-form-urlencoded", form))
        .await
        .assert_html_error(StatusCode::PAYLOAD_TOO_LARGE);
    // The same limit holds on every route that reads a body.
    send(post(
        "/api/v1/errors/anthropic/authentication-error/notes",
        "application/json",
        json,
    ))
    .await
    .assert_api_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn bad_json_bodies_are_json_errors() {
    send(post("/api/v1/diagnose", "application/json", "{\"text\": "))
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "invalid_json");
    send(post(
        "/api/v1/diagnose",
        "application/json",
        "{\"txt\": \"x\"}",
    ))
    .await
    .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
    send(post("/api/v1/diagnose", "text/plain", "{\"text\": \"x\"}"))
        .await
        .assert_api_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    send(post("/diagnose", "application/json", "{\"text\": \"x\"}"))
        .await
        .assert_html_error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn bad_filters_are_400() {
    get("/api/v1/errors?provider=claude")
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "bad_request");
    get("/api/v1/errors?kind=auth")
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "bad_request");
    get("/api/v1/errors?limit=many")
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "bad_request");
    get("/api/v1/errors?limit=100000")
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "bad_request");
    get("/errors/anthropic?kind=auth")
        .await
        .assert_html_error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn list_filters_and_pages() {
    let all = get("/api/v1/errors").await.json();
    let total = all["total"].as_u64().unwrap();
    assert_eq!(
        all["errors"].as_array().unwrap().len() as u64,
        total.min(50)
    );
    let page = get("/api/v1/errors?limit=1&offset=0").await.json();
    assert_eq!(page["errors"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], total);
    let anthropic = get("/api/v1/errors?provider=anthropic").await.json();
    assert!(anthropic["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["provider"] == "anthropic"));
    let ranked = get("/api/v1/errors?q=invalid+x-api-key").await.json();
    assert_eq!(ranked["errors"][0]["id"], ENTRY);
}

#[tokio::test]
async fn the_entry_api_is_explain_json() {
    let a = get("/api/v1/errors/anthropic/authentication-error").await;
    let entry = errdex_kb::index().get(&ENTRY.parse().unwrap()).unwrap();
    let expected = serde_json::to_value(errdex_entry::views::EntryView::new(entry)).unwrap();
    assert_eq!(a.json(), expected);
}

#[tokio::test]
async fn cached_bodies_are_compressed_and_revalidate_with_etags() {
    for uri in [
        "/errors/anthropic/authentication-error",
        "/api/v1/errors/anthropic/authentication-error",
        "/",
    ] {
        let plain = get(uri).await;
        let br = send(
            Request::get(uri)
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
        assert!(br.body.len() < plain.body.len() / 2, "{uri}");
        let gz = send(
            Request::get(uri)
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(br.headers[header::VARY], "accept-encoding");
        // Entry pages hold community notes: kept, but revalidated on every view.
        let expected = if uri.starts_with("/errors/") {
            "no-cache"
        } else {
            "max-age"
        };
        assert!(br.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains(expected));
        let etag = br.headers[header::ETAG].clone();
        let again = send(
            Request::get(uri)
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(again.body.is_empty());
    }
}

/// An index with the real entries plus a retired one and a renamed one.
fn index_with_moved_entries() -> &'static Index {
    let mut index = errdex_kb::index().clone();
    let current = index.get(&ENTRY.parse().unwrap()).unwrap().clone();
    let mut retired = current.clone();
    retired.id = "anthropic/old-auth-error".parse::<EntryId>().unwrap();
    retired.status = Status::Retired {
        successor: current.id.clone(),
    };
    index.entries.push(retired);
    let renamed = index
        .entries
        .iter_mut()
        .find(|e| e.id == current.id)
        .unwrap();
    renamed
        .aliases
        .push("anthropic/invalid-key".parse().unwrap());
    index.entries.sort_by(|a, b| a.id.cmp(&b.id));
    Box::leak(Box::new(index))
}

#[tokio::test]
async fn retired_and_renamed_ids_redirect_301_to_the_successor() {
    let state = AppState::new(index_with_moved_entries(), None);
    for (uri, to) in [
        (
            "/errors/anthropic/old-auth-error",
            "/errors/anthropic/authentication-error",
        ),
        (
            "/errors/anthropic/invalid-key",
            "/errors/anthropic/authentication-error",
        ),
        (
            "/errors/anthropic/old-auth-error/verification",
            "/errors/anthropic/authentication-error/verification",
        ),
        (
            "/api/v1/errors/anthropic/old-auth-error",
            "/api/v1/errors/anthropic/authentication-error",
        ),
    ] {
        let a = send_to(
            state.clone(),
            Request::get(uri).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::MOVED_PERMANENTLY, "{uri}");
        assert_eq!(a.headers[header::LOCATION], to);
    }
}

#[tokio::test]
async fn readiness_follows_the_database() {
    get("/readyz")
        .await
        .assert_api_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    let dir = tempfile::tempdir().unwrap();
    let store = errdex_store::Store::open(&errdex_store::StoreConfig {
        database_url: None,
        data_dir: Some(dir.path().to_path_buf()),
    })
    .await
    .unwrap();
    let state = AppState::new(errdex_kb::index(), Some(store));
    let a = send_to(state, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let state = state();
    for uri in [
        "/errors/anthropic/authentication-error",
        "/errors/anthropic/nope",
        "/nothing",
    ] {
        send_to(
            state.clone(),
            Request::get(uri).body(Body::empty()).unwrap(),
        )
        .await;
    }
    let a = send_to(state, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    let text = a.text();
    assert!(
        text.contains(
            "errdex_http_requests_total{route=\"/errors/{provider}/{slug}\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "errdex_http_requests_total{route=\"/errors/{provider}/{slug}\",status=\"404\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains("errdex_http_requests_total{route=\"unmatched\",status=\"404\"} 1"),
        "{text}"
    );
    assert!(text.contains("errdex_http_request_duration_seconds_bucket{route=\"/errors/{provider}/{slug}\",le=\"+Inf\"} 2"));
    assert!(text.contains("errdex_diagnoses_total{outcome=\"matched\"}"));
}

#[tokio::test]
async fn llms_txt_and_the_sitemap_list_every_current_entry() {
    let llms = get("/llms.txt").await.text();
    let sitemap = send(
        Request::get("/sitemap.xml")
            .header(header::HOST, "errdex.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .text();
    for e in errdex_kb::index().current(None, None) {
        assert!(
            llms.contains(&format!("(/errors/{}): {}", e.id, e.summary)),
            "{llms}"
        );
        assert!(sitemap.contains(&format!("<loc>http://errdex.example/errors/{}</loc>", e.id)));
    }
}

#[tokio::test]
async fn markdown_in_entries_cannot_inject_script() {
    let mut index = errdex_kb::index().clone();
    let entry = index
        .entries
        .iter_mut()
        .find(|e| e.id.to_string() == ENTRY)
        .unwrap();
    entry.sections.meaning =
        "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"
            .into();
    entry.title = "<b>title</b>".into();
    let state = AppState::new(Box::leak(Box::new(index)), None);
    let a = send_to(
        state,
        Request::get("/errors/anthropic/authentication-error")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let html = a.text();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        !html.contains("href=\"javascript:") && !html.contains("onerror="),
        "{html}"
    );
    assert!(!html.contains("<b>title</b>") && html.contains("title"));
}

/// A fixed knowledge base for snapshots (copies of founding entries and one verification
/// record under `tests/fixtures/`), so that snapshots change with the page code, not with
/// every entry added to `kb/`. Its examples are not highlighted (that happens in the build
/// script of the real index; `the_entry_page_has_every_section_in_product_order` checks it).
fn fixture_index() -> &'static Index {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let loaded = errdex_entry::load_kb(&root.join("kb")).expect("fixture kb loads");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let mut entries: Vec<_> = loaded.entries.into_iter().map(|p| p.entry).collect();
    for entry in &mut entries {
        let rel = format!("verification/{}.json", entry.id);
        if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
            let record: errdex_entry::record::VerificationRecord =
                serde_json::from_str(&text).expect("fixture record parses");
            record.apply(entry, &rel);
        }
        entry.file = format!("kb/{}.md", entry.id);
    }
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    Box::leak(Box::new(Index {
        revision: "fixture".into(),
        entries,
        problems: Vec::new(),
    }))
}

async fn fixture_get(uri: &str) -> Answer {
    let state = AppState::new(fixture_index(), None);
    send_to(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn snapshot_of_the_entry_page() {
    let html = fixture_get("/errors/anthropic/authentication-error")
        .await
        .text();
    // Asset hashes change with every stylesheet edit; the page around them is the point.
    insta::assert_snapshot!("entry_page", without_asset_hashes(&html));
}

#[tokio::test]
async fn snapshot_of_api_json() {
    insta::assert_json_snapshot!(
        "api_entry",
        fixture_get("/api/v1/errors/anthropic/authentication-error")
            .await
            .json()
    );
    insta::assert_json_snapshot!(
        "api_list_anthropic",
        fixture_get("/api/v1/errors?provider=anthropic")
            .await
            .json()
    );
    insta::assert_json_snapshot!(
        "api_not_found",
        fixture_get("/api/v1/errors/anthropic/nope").await.json()
    );
}

fn without_asset_hashes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("?v=") {
        out.push_str(&rest[..at + 3]);
        let tail = &rest[at + 3..];
        let end = tail.find('"').unwrap_or(tail.len());
        out.push_str("HASH");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A real traceback: the Python SDK's output for a 401, captured from the real SDK.
const ANTHROPIC_401: &str = include_str!("fixtures/anthropic-401.txt");

#[tokio::test]
async fn the_api_diagnoses_a_real_traceback() {
    let body = serde_json::to_vec(&serde_json::json!({ "text": ANTHROPIC_401 })).unwrap();
    let a = send(post("/api/v1/diagnose", "application/json", body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let json = a.json();
    let top = &json["matches"][0];
    assert_eq!(top["id"], ENTRY, "{json}");
    for field in ["provider", "kind", "title", "confidence", "evidence"] {
        assert!(!top[field].is_null(), "{field}");
    }
    assert!(json["facts"].is_object());

    let body =
        serde_json::to_vec(&serde_json::json!({ "text": "the weather is nice today" })).unwrap();
    let json = send(post("/api/v1/diagnose", "application/json", body))
        .await
        .json();
    assert_eq!(json["matches"], serde_json::json!([]), "{json}");
}

fn form(text: &str) -> String {
    let mut out = String::from("text=");
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[tokio::test]
async fn the_form_shows_matches_evidence_and_the_quick_fix() {
    let a = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        form(ANTHROPIC_401),
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let html = a.text();
    assert!(
        html.contains("Most likely: <a href=\"/errors/anthropic/authentication-error\">"),
        "{html}"
    );
    assert!(html.contains("<mark>"), "evidence is highlighted");
    assert!(html.contains("<meter"));
    assert!(html.contains("class=\"quick-fix\""));

    let html = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        form("the weather is nice today"),
    ))
    .await
    .text();
    assert!(html.contains("No match"), "{html}");
    let html = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        "text=",
    ))
    .await
    .text();
    assert!(html.contains("nothing to diagnose"), "{html}");
}

#[tokio::test]
async fn pasted_keys_are_shown_redacted() {
    let key = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-AbCdEfGhIjKlAA";
    let text = format!("{ANTHROPIC_401}\nANTHROPIC_API_KEY={key}\n");
    let html = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        form(&text),
    ))
    .await
    .text();
    assert!(!html.contains(key));
    let body = serde_json::to_vec(&serde_json::json!({ "text": text })).unwrap();
    let json = send(post("/api/v1/diagnose", "application/json", body))
        .await
        .text();
    assert!(!json.contains(key));
}

/// Hostile pasted text (SECURITY.md): markup and SQL in the text and inside the very line
/// that carries evidence. The page shows it escaped (with `<mark>` around evidence), the API
/// returns it literally as JSON, and no database is involved in a diagnosis.
#[tokio::test]
async fn markup_and_sql_in_pasted_text_are_escaped_on_the_page_and_literal_in_json() {
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "</code></pre><iframe src=javascript:alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "'; DROP TABLE notes; --",
        "\" OR 1=1 --",
    ];
    let benign = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        form(ANTHROPIC_401),
    ))
    .await
    .text();
    for payload in payloads {
        // Inside the exception line (evidence is marked in it) and on a line of its own.
        let text = ANTHROPIC_401.replacen(
            "anthropic.AuthenticationError: ",
            &format!("anthropic.AuthenticationError: {payload} "),
            1,
        ) + payload;
        assert!(text.contains(payload));
        let a = send(post(
            "/diagnose",
            "application/x-www-form-urlencoded",
            form(&text),
        ))
        .await;
        assert_eq!(a.status, StatusCode::OK, "{payload}");
        let html = a.text();
        assert!(
            html.contains("Most likely: <a href=\"/errors/anthropic/authentication-error\">"),
            "{payload}: the evidence is still found"
        );
        assert!(html.contains("<mark>"));
        if payload.contains(['<', '>', '&']) {
            assert!(!html.contains(payload), "{payload} unescaped in {html}");
        }
        for tag in [
            "<script",
            "<img",
            "<svg",
            "<iframe",
            "</pre>",
            "href=\"javascript",
        ] {
            assert_eq!(
                html.matches(tag).count(),
                benign.matches(tag).count(),
                "{payload}: {tag}"
            );
        }
        let body = serde_json::to_vec(&serde_json::json!({ "text": text })).unwrap();
        let a = send(post("/api/v1/diagnose", "application/json", body)).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.content_type().starts_with("application/json"));
        assert_eq!(a.json()["text"].as_str(), Some(text.as_str()));
        assert_eq!(a.json()["matches"][0]["id"], ENTRY);
    }
    // The search page echoes the query escaped (askama), in text and in an attribute.
    let html = get("/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await
        .text();
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains("value=\"&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "{html}"
    );
}

/// Deeply nested JSON, bodies that are not UTF-8, and the same inside a form, a query and a
/// path: a JSON error, the replacement character, or 400 — never a 500 or a stack overflow.
/// serde_json deserialises with a recursion limit (128) and skips unknown fields without
/// recursion; the body limit bounds the nesting it may skip.
#[tokio::test]
async fn deeply_nested_or_non_utf8_input_is_an_error_or_replaced_never_a_crash() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for depth in [129, 10_000, 500_000] {
        for body in [
            nested(depth),
            format!("{{\"text\": {}}}", nested(depth)),
            format!(
                "{}1{}",
                "{\"text\":".repeat(depth / 5),
                "}".repeat(depth / 5)
            ),
        ] {
            assert!(body.len() < errdex_web::BODY_LIMIT);
            send(post("/api/v1/diagnose", "application/json", body))
                .await
                .assert_api_error(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        }
        // Nesting in a field nobody reads is skipped, without recursion.
        let body = format!("{{\"text\": \"x\", \"extra\": {}}}", nested(depth));
        let a = send(post("/api/v1/diagnose", "application/json", body)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    }
    let mut not_utf8 = b"{\"text\": \"AuthenticationError \xff\xfe\xc3\x28\"}".to_vec();
    send(post(
        "/api/v1/diagnose",
        "application/json",
        not_utf8.clone(),
    ))
    .await
    .assert_api_error(StatusCode::BAD_REQUEST, "invalid_json");
    // A form decodes lossily: the text is diagnosed with U+FFFD in place of the bad bytes.
    not_utf8 = b"text=".to_vec();
    not_utf8.extend_from_slice(b"%FF%FE+raw+\xff\xfe+");
    not_utf8.extend_from_slice(form(ANTHROPIC_401).trim_start_matches("text=").as_bytes());
    let a = send(post(
        "/diagnose",
        "application/x-www-form-urlencoded",
        not_utf8,
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains('\u{fffd}'));
    assert!(a.text().contains("/errors/anthropic/authentication-error"));
    for uri in [
        "/search?q=%FF%FE",
        "/api/v1/search?q=%FF%FE",
        "/api/v1/errors?q=%FF",
    ] {
        let a = get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text());
    }
    // A path segment that does not decode to UTF-8 is a bad request.
    get("/errors/anthropic/%FF%FE")
        .await
        .assert_html_error(StatusCode::BAD_REQUEST);
    get("/api/v1/errors/anthropic/%FF%FE")
        .await
        .assert_api_error(StatusCode::BAD_REQUEST, "bad_request");
}

/// Response headers and bodies built from request headers: the request id is echoed only
/// as the header it came in (a header value cannot hold CR or LF); the sitemap uses the
/// `Host` asked only when it is a plain host name.
#[tokio::test]
async fn request_headers_are_echoed_only_where_they_cannot_inject() {
    for (host, base) in [
        ("errdex.example:8080", "http://errdex.example:8080/"),
        (
            "evil.example/\"><script>alert(1)</script>",
            "http://localhost/",
        ),
        ("evil.example/path?x=", "http://localhost/"),
        ("a b", "http://localhost/"),
    ] {
        let a = send(
            Request::get("/sitemap.xml")
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        let xml = a.text();
        assert!(xml.contains(&format!("<loc>{base}</loc>")), "{host}: {xml}");
        assert!(!xml.contains("<script"));
    }
    let a = send(
        Request::get("/healthz")
            .header("x-request-id", "abc-123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.headers["x-request-id"], "abc-123");
    for bad in ["a\r\nSet-Cookie: admin=1", "a\nb", "a\rb", "a\0b"] {
        assert!(
            axum::http::HeaderValue::from_str(bad).is_err(),
            "{bad:?} would be a header value"
        );
    }
}
