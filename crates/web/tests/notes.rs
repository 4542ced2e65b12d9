//! Community notes through `app(state).oneshot(...)`: every notes and moderation route,
//! the HTML forms, the abuse protections, and the notes cache. The flows run on SQLite
//! always and on PostgreSQL when `ERRDEX_TEST_DATABASE_URL` names a server (a fresh
//! database per test).

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use errdex_store::{Store, StoreConfig};
use errdex_web::{app, AppState, NotesOptions};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use tower::ServiceExt;

const ENTRY: &str = "anthropic/authentication-error";
const PAGE: &str = "/errors/anthropic/authentication-error";
const NOTES: &str = "/api/v1/errors/anthropic/authentication-error/notes";
const TOKEN: &str = "test-admin-token-0123456789";

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

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn expect(self, status: StatusCode) -> Self {
        assert_eq!(self.status, status, "{}", self.text());
        self
    }
}

/// A server under test: its state and its store's temporary directory.
struct Site {
    state: AppState,
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl Site {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(from(Request::get(uri), 1).body(Body::empty()).unwrap())
            .await
    }

    async fn post_json(&self, uri: &str, json: serde_json::Value) -> Answer {
        self.send(json_request(uri, json, 1)).await
    }

    async fn admin(&self, method: &str, uri: &str) -> Answer {
        self.send(
            from(Request::builder().method(method).uri(uri), 1)
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Submits a note through the API and publishes it through the admin API.
    async fn published(&self, text: &str) -> String {
        let id = self.pending(text).await;
        self.admin("POST", &format!("/api/v1/admin/notes/{id}/publish"))
            .await
            .expect(StatusCode::OK);
        id
    }

    async fn pending(&self, text: &str) -> String {
        let a = self
            .post_json(
                NOTES,
                serde_json::json!({"text": text, "sdk_version": "anthropic 0.40.0"}),
            )
            .await
            .expect(StatusCode::CREATED);
        a.json()["id"].as_str().unwrap().to_string()
    }

    async fn note_count(&self) -> usize {
        self.store.notes(None, 1000).await.unwrap().len()
    }
}

/// The request as if from 192.0.2.`n`, port 40000.
fn from(builder: axum::http::request::Builder, n: u8) -> axum::http::request::Builder {
    builder.extension(ConnectInfo(SocketAddr::from(([192, 0, 2, n], 40000))))
}

fn json_request(uri: &str, json: serde_json::Value, client: u8) -> Request<Body> {
    from(Request::post(uri), client)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_string()))
        .unwrap()
}

fn form_to(uri: &str, client: u8) -> axum::http::request::Builder {
    from(Request::post(uri), client)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

fn form_body(pairs: &[(&str, &str)]) -> Body {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    Body::from(encoded.join("&"))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn sqlite_site(options: NotesOptions) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreConfig {
        database_url: None,
        data_dir: Some(dir.path().to_path_buf()),
    })
    .await
    .unwrap();
    Site {
        state: AppState::with_notes(errdex_kb::index(), Some(store.clone()), options),
        store,
        _dir: Some(dir),
    }
}

fn moderated() -> NotesOptions {
    NotesOptions {
        admin_token: Some(TOKEN.into()),
        ..Default::default()
    }
}

/// SQLite, and PostgreSQL when a server is given.
async fn sites(options: NotesOptions) -> Vec<Site> {
    let mut sites = vec![sqlite_site(options.clone()).await];
    if let Some(url) = errdex_store::testing::postgres_url() {
        let url = errdex_store::testing::fresh_database(&url).await.unwrap();
        let store = Store::open(&StoreConfig {
            database_url: Some(url),
            data_dir: None,
        })
        .await
        .unwrap();
        // Wait for the LISTEN connection, so that the notes cache is in use.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.notes_version(ENTRY).is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "LISTEN never connected"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        sites.push(Site {
            state: AppState::with_notes(errdex_kb::index(), Some(store.clone()), options),
            store,
            _dir: None,
        });
    }
    sites
}

/// The notes part of an entry page: from the heading to the form that adds a note.
fn notes_section(html: &str) -> &str {
    let start = html.find("id=\"notes-h\"").expect("notes heading");
    let end = html[start..]
        .find("<details class=\"add-note\">")
        .expect("add-note form");
    &html[start..start + end]
}

#[tokio::test]
async fn a_note_is_pending_until_published_then_shown_with_its_confirmations() {
    for site in sites(moderated()).await {
        let backend = site.store.backend();
        let created = site
            .post_json(
                NOTES,
                serde_json::json!({
                    "text": "Upgrade to **0.41** and set `ANTHROPIC_API_KEY` again.",
                    "sdk_version": "anthropic 0.40.0",
                    "name": "Ada"
                }),
            )
            .await
            .expect(StatusCode::CREATED);
        let body = created.json();
        assert_eq!(body["status"], "pending", "{backend:?}");
        let id = body["id"].as_str().unwrap().to_string();
        assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);

        // Pending: in neither the API nor the page.
        let listed = site.get(NOTES).await.expect(StatusCode::OK);
        assert_eq!(listed.json(), serde_json::json!({"notes": []}));
        let page = site.get(PAGE).await.expect(StatusCode::OK).text();
        assert!(!page.contains("Upgrade to"), "{backend:?}");

        site.admin("POST", &format!("/api/v1/admin/notes/{id}/publish"))
            .await
            .expect(StatusCode::OK);
        let listed = site.get(NOTES).await.expect(StatusCode::OK).json();
        let note = &listed["notes"][0];
        assert_eq!(note["id"], id.as_str());
        assert_eq!(
            note["html"],
            "<p>Upgrade to <strong>0.41</strong> and set <code>ANTHROPIC_API_KEY</code> again.</p>\n"
        );
        assert_eq!(note["sdk_version"], "anthropic 0.40.0");
        assert_eq!(note["name"], "Ada");
        assert!(note["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            (note["worked"].as_i64(), note["did_not_work"].as_i64()),
            (Some(0), Some(0))
        );

        let page = site.get(PAGE).await.expect(StatusCode::OK).text();
        let section = notes_section(&page);
        assert!(
            section.contains(&format!("id=\"note-{id}\"")),
            "{backend:?}"
        );
        assert!(section.contains("<strong>0.41</strong>"));
        assert!(section.contains("Worked for 0"));

        // Two readers confirm through the API, one of them twice the same day.
        let confirm = format!("/api/v1/notes/{id}/confirmations");
        site.send(json_request(
            &confirm,
            serde_json::json!({"worked": true, "sdk_version": "0.41.0"}),
            1,
        ))
        .await
        .expect(StatusCode::CREATED);
        let again = site
            .send(json_request(
                &confirm,
                serde_json::json!({"worked": false, "sdk_version": "0.41.0"}),
                1,
            ))
            .await
            .expect(StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "conflict");
        site.send(json_request(
            &confirm,
            serde_json::json!({"worked": false, "sdk_version": "anthropic 0.42.1"}),
            2,
        ))
        .await
        .expect(StatusCode::CREATED);
        let listed = site.get(NOTES).await.json();
        let note = &listed["notes"][0];
        assert_eq!(
            (note["worked"].as_i64(), note["did_not_work"].as_i64()),
            (Some(1), Some(1)),
            "{backend:?}"
        );
        let versions: Vec<_> = note["confirmations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["sdk_version"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(versions, ["anthropic 0.41.0", "anthropic 0.42.1"]);
        let page = site.get(PAGE).await.text();
        let section = notes_section(&page);
        assert!(section.contains("Worked for 1"), "{section}");
        assert!(section.contains("<code>anthropic 0.42.1</code>: worked 0, did not work 1"));
    }
}

#[tokio::test]
async fn the_html_forms_submit_and_confirm_without_javascript() {
    for site in sites(moderated()).await {
        let form = [
            ("text", "Pin **anthropic** and re-export the key."),
            ("sdk_package", "anthropic"),
            ("sdk_version", "0.40.0"),
            ("name", ""),
            ("website", ""),
        ];
        let a = site
            .send(
                form_to(&format!("{PAGE}/notes"), 1)
                    .header("sec-fetch-site", "same-origin")
                    .body(form_body(&form))
                    .unwrap(),
            )
            .await
            .expect(StatusCode::CREATED);
        assert!(a.text().contains("your note was received"), "{}", a.text());
        assert_eq!(a.header("cache-control"), "no-store");
        let note = site.store.notes(None, 10).await.unwrap().remove(0);
        assert_eq!(
            (note.sdk_package.as_str(), note.sdk_version.as_str()),
            ("anthropic", "0.40.0")
        );
        assert_eq!(note.name, None);
        site.store.publish(note.id, "test").await.unwrap();

        let confirm_uri = format!("{PAGE}/notes/{}/confirm", note.id);
        let yes = [("worked", "yes"), ("sdk_version", "0.40.0")];
        let a = site
            .send(
                form_to(&confirm_uri, 1)
                    .header(header::HOST, "errdex.test")
                    .header(header::ORIGIN, "http://errdex.test")
                    .body(form_body(&yes))
                    .unwrap(),
            )
            .await
            .expect(StatusCode::SEE_OTHER);
        assert_eq!(a.header("location"), format!("{PAGE}#note-{}", note.id));
        // Once per client per day.
        site.send(form_to(&confirm_uri, 1).body(form_body(&yes)).unwrap())
            .await
            .expect(StatusCode::CONFLICT);
        let no = [("worked", "no"), ("sdk_version", "0.41.0")];
        site.send(form_to(&confirm_uri, 7).body(form_body(&no)).unwrap())
            .await
            .expect(StatusCode::SEE_OTHER);
        let maybe = [("worked", "maybe"), ("sdk_version", "0.41.0")];
        let a = site
            .send(form_to(&confirm_uri, 8).body(form_body(&maybe)).unwrap())
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.text().contains("`worked`"), "{}", a.text());
        let page = site.get(PAGE).await.text();
        let section = notes_section(&page);
        assert!(
            section.contains("Worked for 1</strong> · did not work for 1"),
            "{section}"
        );
        assert!(section.contains(&format!("action=\"{PAGE}/notes/{}/confirm\"", note.id)));
    }
}

#[tokio::test]
async fn the_admin_api_needs_the_token_and_every_action_is_audited() {
    // No token configured: moderation is off, notes are still taken and stay pending.
    let off = sqlite_site(NotesOptions::default()).await;
    let id = off.pending("A note on a server without moderation.").await;
    for (method, uri) in [
        ("GET", "/api/v1/admin/notes".to_string()),
        ("POST", format!("/api/v1/admin/notes/{id}/publish")),
        ("POST", format!("/api/v1/admin/notes/{id}/reject")),
        ("DELETE", format!("/api/v1/admin/notes/{id}")),
    ] {
        let a = off
            .admin(method, &uri)
            .await
            .expect(StatusCode::UNAUTHORIZED);
        assert!(a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ERRDEX_ADMIN_TOKEN"));
    }
    assert_eq!(
        off.store
            .note(id.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "pending"
    );

    for site in sites(moderated()).await {
        let id = site.pending("A note to moderate through the API.").await;
        for auth in [
            None,
            Some("Bearer wrong"),
            Some("Basic dGVzdA=="),
            Some(TOKEN),
        ] {
            let mut request = Request::post(format!("/api/v1/admin/notes/{id}/publish"));
            if let Some(auth) = auth {
                request = request.header(header::AUTHORIZATION, auth);
            }
            let a = site
                .send(request.body(Body::empty()).unwrap())
                .await
                .expect(StatusCode::UNAUTHORIZED);
            assert_eq!(a.json()["error"]["code"], "unauthorized");
            assert!(a.header("www-authenticate").starts_with("Bearer"));
        }
        let listed = site
            .admin("GET", "/api/v1/admin/notes?status=pending")
            .await
            .expect(StatusCode::OK)
            .json();
        assert_eq!(listed["notes"][0]["id"], id.as_str());
        assert_eq!(
            listed["notes"][0]["text"],
            "A note to moderate through the API."
        );
        site.admin("GET", "/api/v1/admin/notes?status=nope")
            .await
            .expect(StatusCode::BAD_REQUEST);

        let published = site
            .admin("POST", &format!("/api/v1/admin/notes/{id}/publish"))
            .await
            .expect(StatusCode::OK);
        assert_eq!(published.json()["status"], "published");
        let rejected = site
            .send(
                Request::post(format!("/api/v1/admin/notes/{id}/reject"))
                    .header(header::AUTHORIZATION, format!("bearer {TOKEN}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(r#"{"reason": "outdated since 0.42"}"#))
                    .unwrap(),
            )
            .await
            .expect(StatusCode::OK)
            .json();
        assert_eq!(rejected["status"], "rejected");
        assert_eq!(rejected["reject_reason"], "outdated since 0.42");
        assert_eq!(site.get(NOTES).await.json()["notes"], serde_json::json!([]));
        let deleted = site
            .admin("DELETE", &format!("/api/v1/admin/notes/{id}"))
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            deleted.json(),
            serde_json::json!({"id": id, "deleted": true})
        );
        site.admin("DELETE", &format!("/api/v1/admin/notes/{id}"))
            .await
            .expect(StatusCode::NOT_FOUND);
        site.admin("POST", "/api/v1/admin/notes/not-a-uuid/publish")
            .await
            .expect(StatusCode::NOT_FOUND);

        let log = site.store.audit_log(10).await.unwrap();
        let actions: Vec<_> = log.iter().rev().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions,
            ["publish", "reject", "delete"],
            "{:?}",
            site.store.backend()
        );
        assert!(log
            .iter()
            .all(|a| a.actor == "admin-api" && a.entry_id == ENTRY));
    }
}

#[tokio::test]
async fn the_admin_page_explains_moderation_signs_in_and_moderates_with_forms() {
    let off = sqlite_site(NotesOptions::default()).await;
    let page = off.get("/admin").await.expect(StatusCode::OK).text();
    assert!(
        page.contains("Moderation is off") && page.contains("ERRDEX_ADMIN_TOKEN"),
        "{page}"
    );

    let site = sqlite_site(moderated()).await;
    let page = site.get("/admin").await.expect(StatusCode::OK);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.text().contains("name=\"token\"") && !page.text().contains("mod-note"));

    let wrong = [("token", "guess")];
    site.send(form_to("/admin/login", 1).body(form_body(&wrong)).unwrap())
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let right = [("token", TOKEN)];
    let cross = site
        .send(
            form_to("/admin/login", 1)
                .header("sec-fetch-site", "cross-site")
                .body(form_body(&right))
                .unwrap(),
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    assert!(cross.header("set-cookie").is_empty());
    let signed_in = site
        .send(form_to("/admin/login", 1).body(form_body(&right)).unwrap())
        .await
        .expect(StatusCode::SEE_OTHER);
    let cookie = signed_in.header("set-cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains(TOKEN));
    let cookie = cookie.split(';').next().unwrap().to_string();

    let id = site.pending("A **pending** note for the admin page.").await;
    let page = site
        .send(
            Request::get("/admin")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(StatusCode::OK)
        .text();
    assert!(
        page.contains(&format!("id=\"note-{id}\"")) && page.contains("<strong>pending</strong>"),
        "{page}"
    );

    let reject = format!("/admin/notes/{id}/reject");
    let empty = [("reason", " ")];
    site.send(
        form_to(&reject, 1)
            .header(header::COOKIE, &cookie)
            .body(form_body(&empty))
            .unwrap(),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let reason = [("reason", "not about this error")];
    site.send(form_to(&reject, 1).body(form_body(&reason)).unwrap())
        .await
        .expect(StatusCode::UNAUTHORIZED);
    site.send(
        form_to(&reject, 1)
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, "https://evil.example")
            .header(header::HOST, "errdex.test")
            .body(form_body(&reason))
            .unwrap(),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    site.send(
        form_to(&reject, 1)
            .header(header::COOKIE, &cookie)
            .body(form_body(&reason))
            .unwrap(),
    )
    .await
    .expect(StatusCode::SEE_OTHER);
    let publish = format!("/admin/notes/{id}/publish");
    site.send(
        form_to(&publish, 1)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .expect(StatusCode::SEE_OTHER);
    let delete = format!("/admin/notes/{id}/delete");
    site.send(
        form_to(&delete, 1)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .expect(StatusCode::SEE_OTHER);
    let page = site
        .send(
            Request::get("/admin?status=all")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(StatusCode::OK)
        .text();
    assert!(
        page.contains("not about this error") && page.contains("admin-page"),
        "{page}"
    );
    let actions: Vec<_> = site
        .store
        .audit_log(10)
        .await
        .unwrap()
        .iter()
        .rev()
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(actions, ["reject", "publish", "delete"]);

    let out = site
        .send(
            form_to("/admin/logout", 1)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(StatusCode::SEE_OTHER);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
}

#[tokio::test]
async fn forms_posted_from_another_site_are_refused_and_store_nothing() {
    let site = sqlite_site(moderated()).await;
    let form = [
        ("text", "A note posted from another site."),
        ("sdk_package", "anthropic"),
        ("sdk_version", "0.40.0"),
    ];
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let a = site
            .send(
                form_to(&format!("{PAGE}/notes"), 1)
                    .header(header::HOST, "errdex.test")
                    .header(name, value)
                    .body(form_body(&form))
                    .unwrap(),
            )
            .await
            .expect(StatusCode::FORBIDDEN);
        assert!(a.text().contains("another site"), "{}", a.text());
    }
    assert_eq!(site.note_count().await, 0);
    // The pages those forms are on stay cacheable: no per-visitor token, no cookie.
    let page = site.get(PAGE).await;
    assert!(page.header("set-cookie").is_empty());
    assert_eq!(page.header("cache-control"), "public, no-cache");
    assert!(!page.header("etag").is_empty());
}

#[tokio::test]
async fn the_honeypot_catches_robots() {
    let site = sqlite_site(moderated()).await;
    let form = [
        ("text", "Buy cheap keys at my shop today!"),
        ("sdk_package", "anthropic"),
        ("sdk_version", "0.40.0"),
        ("website", "https://spam.example"),
    ];
    let a = site
        .send(
            form_to(&format!("{PAGE}/notes"), 1)
                .body(form_body(&form))
                .unwrap(),
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    assert!(a.text().contains("`website`"));
    assert_eq!(site.note_count().await, 0);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_per_client_address() {
    let site = sqlite_site(NotesOptions {
        admin_token: Some(TOKEN.into()),
        notes_per_hour: 2,
        confirmations_per_hour: 1,
        ..Default::default()
    })
    .await;
    let body = || serde_json::json!({"text": "A note that is long enough.", "sdk_version": "anthropic 0.40.0"});
    for _ in 0..2 {
        site.send(json_request(NOTES, body(), 1))
            .await
            .expect(StatusCode::CREATED);
    }
    let limited = site
        .send(json_request(NOTES, body(), 1))
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.json()["error"]["code"], "too_many_requests");
    let retry: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    // The HTML form shares the limit and says the same as a page.
    let form = [
        ("text", "A note that is long enough."),
        ("sdk_package", "anthropic"),
        ("sdk_version", "0.40.0"),
    ];
    let page = site
        .send(
            form_to(&format!("{PAGE}/notes"), 1)
                .body(form_body(&form))
                .unwrap(),
        )
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert!(!page.header("retry-after").is_empty());
    assert!(page.header("content-type").starts_with("text/html"));
    // Another address has its own allowance; X-Forwarded-For is not believed by default.
    site.send(json_request(NOTES, body(), 2))
        .await
        .expect(StatusCode::CREATED);
    let spoofed = from(Request::post(NOTES), 1)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", "203.0.113.50")
        .body(Body::from(body().to_string()))
        .unwrap();
    site.send(spoofed)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(site.note_count().await, 3);

    let id = site.store.notes(None, 1).await.unwrap()[0].id;
    site.store.publish(id, "test").await.unwrap();
    let confirm = format!("/api/v1/notes/{id}/confirmations");
    let yes = || serde_json::json!({"worked": true, "sdk_version": "0.40.0"});
    site.send(json_request(&confirm, yes(), 3))
        .await
        .expect(StatusCode::CREATED);
    site.send(json_request(&confirm, yes(), 3))
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);

    // Behind a trusted proxy, the address the proxy adds is the client.
    let proxied = sqlite_site(NotesOptions {
        trust_proxy: true,
        notes_per_hour: 1,
        ..Default::default()
    })
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        let request = from(Request::post(NOTES), 1)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", format!("10.1.1.1, {client}"))
            .body(Body::from(body().to_string()))
            .unwrap();
        proxied.send(request).await.expect(StatusCode::CREATED);
    }
}

/// Keys in the formats the shared detector knows, and a high-entropy token beside a key
/// word: each refused with 422, saying why, with nothing stored and nothing logged.
#[tokio::test]
async fn a_note_with_an_api_key_is_refused_and_neither_stored_nor_logged() {
    let keys = [
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzAB-CDEFGHAA",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKl",
        "gsk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
    ];
    // The process-wide subscriber (a scoped one misses events whose interest another test
    // thread cached first); other tests' lines land here too, none of them holds a key.
    static LOGS: std::sync::OnceLock<Logs> = std::sync::OnceLock::new();
    let logs = LOGS.get_or_init(|| {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        logs
    });
    let site = sqlite_site(moderated()).await;
    let mut texts: Vec<String> = keys
        .iter()
        .map(|k| format!("It worked once I used my key {k} directly."))
        .collect();
    texts.push("Set api_key = 9fQ2xV7LmZ3pR8tW1yK4nB6cD0eH5jS in the client.".into());
    for text in &texts {
        let a = site
            .post_json(
                NOTES,
                serde_json::json!({"text": text, "sdk_version": "anthropic 0.40.0"}),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.starts_with("`text`: ") && message.contains("API key"),
            "{message}"
        );
        assert!(message.contains("not stored"), "{message}");
    }
    let in_name = site
        .post_json(
            NOTES,
            serde_json::json!({"text": "A note long enough.", "sdk_version": "anthropic 0.40.0", "name": keys[1]}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(in_name.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("`name`: "));
    // The HTML form refuses the same way, as a page.
    let form = [
        ("text", texts[0].as_str()),
        ("sdk_package", "anthropic"),
        ("sdk_version", "0.40.0"),
    ];
    let page = site
        .send(
            form_to(&format!("{PAGE}/notes"), 1)
                .body(form_body(&form))
                .unwrap(),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("API key"));
    assert_eq!(site.note_count().await, 0);
    let logged = logs.text();
    assert!(
        logged.contains("/notes"),
        "requests are logged, by path: {logged}"
    );
    for k in keys {
        assert!(!logged.contains(&k[..16]), "{logged}");
        assert!(!page.text().contains(&k[..16]));
    }
    assert!(!logged.contains("9fQ2xV7L"));
}

#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[tokio::test]
async fn bad_fields_are_refused_with_messages_that_name_the_field() {
    let site = sqlite_site(moderated()).await;
    let long = "x".repeat(4001);
    let exactly = "y".repeat(4000);
    let cases: Vec<(serde_json::Value, StatusCode, &str)> = vec![
        (
            serde_json::json!({"text": "too short", "sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`text`: a note is 10 to 4000 characters; this one has 9",
        ),
        (
            serde_json::json!({"text": "   padded   ", "sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`text`: ",
        ),
        (
            serde_json::json!({"text": long, "sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "this one has 4001",
        ),
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`sdk_version`: give the SDK package and its version",
        ),
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "openai 1.0.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`sdk_version`: this entry is not about the SDK `openai`",
        ),
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic newest"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`sdk_version`: `newest` is not a version number",
        ),
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.1.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`sdk_version`: this entry applies to anthropic",
        ),
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.40.0", "name": "n".repeat(61)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`name`: a display name is at most 60 characters",
        ),
        (
            serde_json::json!({"text": "A fine note \u{0} text.", "sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`text`: contains control characters",
        ),
        (
            serde_json::json!({"sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "text",
        ),
        (
            serde_json::json!({"text": "A fine note text."}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sdk_version",
        ),
        (
            serde_json::json!({"text": 5, "sdk_version": "anthropic 0.40.0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "text",
        ),
    ];
    for (body, status, says) in cases {
        let a = site.post_json(NOTES, body.clone()).await;
        assert_eq!(a.status, status, "{body}: {}", a.text());
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{body}: {message}");
    }
    let not_json = site
        .send(
            from(Request::post(NOTES), 1)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{"))
                .unwrap(),
        )
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(not_json.json()["error"]["code"], "invalid_json");
    assert_eq!(site.note_count().await, 0);
    // The longest note is taken, with any SDK the entry names.
    site.post_json(
        NOTES,
        serde_json::json!({"text": exactly, "sdk_version": "@anthropic-ai/sdk 0.41.0"}),
    )
    .await
    .expect(StatusCode::CREATED);
}

/// Hostile fields (SECURITY.md): line breaks in a display name (header or log injection
/// elsewhere), and Markdown nested thousands deep (its sanitising costs depth²).
#[tokio::test]
async fn line_breaks_in_a_name_and_deeply_nested_markdown_are_refused() {
    let site = sqlite_site(moderated()).await;
    for (body, says) in [
        (
            serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.40.0", "name": "Eve\r\nSet-Cookie: admin=1"}),
            "`name`: contains control characters",
        ),
        (
            serde_json::json!({"text": ">".repeat(3990) + " deep", "sdk_version": "anthropic 0.40.0"}),
            "`text`: a note nests at most 16 levels (lists, quotes, emphasis); this one nests 3991",
        ),
        (
            serde_json::json!({"text": "- ".repeat(1990) + "deep", "sdk_version": "anthropic 0.40.0"}),
            "`text`: a note nests at most 16 levels",
        ),
    ] {
        let a = site
            .post_json(NOTES, body.clone())
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(site.note_count().await, 0);
    // Lists in quotes with emphasis, as real notes nest, are taken.
    site.post_json(
        NOTES,
        serde_json::json!({"text": "> 1. **Pin** it:\n>    - *0.40.0* works", "sdk_version": "anthropic 0.40.0"}),
    )
    .await
    .expect(StatusCode::CREATED);
}

/// Path traversal and odd bytes in the ids of every notes route find nothing; bodies
/// nested past serde_json's recursion limit (128) or not UTF-8 are JSON errors, not a crash;
/// nothing is stored.
#[tokio::test]
async fn hostile_ids_and_bodies_on_the_notes_routes_find_nothing_and_store_nothing() {
    let site = sqlite_site(moderated()).await;
    let note = serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.40.0"});
    let confirm = serde_json::json!({"worked": true, "sdk_version": "0.40.0"});
    for id in [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2e%2e",
        "..%5C..%5Cwindows",
        "authentication-error%00",
        "authentication-error%2F..%2Frate-limit-error",
    ] {
        let uri = format!("/api/v1/errors/anthropic/{id}/notes");
        site.get(&uri).await.expect(StatusCode::NOT_FOUND);
        site.post_json(&uri, note.clone())
            .await
            .expect(StatusCode::NOT_FOUND);
        site.send(json_request(
            &format!("/api/v1/notes/{id}/confirmations"),
            confirm.clone(),
            1,
        ))
        .await
        .expect(StatusCode::NOT_FOUND);
        for action in ["publish", "reject"] {
            let a = site
                .admin("POST", &format!("/api/v1/admin/notes/{id}/{action}"))
                .await
                .expect(StatusCode::NOT_FOUND);
            assert_eq!(a.json()["error"]["code"], "not_found");
        }
        site.admin("DELETE", &format!("/api/v1/admin/notes/{id}"))
            .await
            .expect(StatusCode::NOT_FOUND);
    }
    // A path segment that does not decode to UTF-8 is a bad request.
    let a = site
        .get("/api/v1/errors/anthropic/%FF%FE/notes")
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["error"]["code"], "bad_request");
    site.admin("POST", "/api/v1/admin/notes/%FF%FE/publish")
        .await
        .expect(StatusCode::BAD_REQUEST);
    // serde_json deserialises with a recursion limit (128) and skips unknown fields
    // without recursion, so deep nesting is a wrong type (422) or skipped, never a stack
    // overflow; bytes that are not UTF-8 are invalid JSON (400).
    let raw = |uri: &str, body: Vec<u8>| {
        from(Request::post(uri), 1)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let confirmations = "/api/v1/notes/6f9619ff-8b86-4011-b42d-00c04fc964ff/confirmations";
    for depth in [200, 400_000] {
        for (uri, body) in [
            (NOTES, nested(depth)),
            (
                NOTES,
                format!(
                    r#"{{"text": {}, "sdk_version": "anthropic 0.40.0"}}"#,
                    nested(depth)
                ),
            ),
            (confirmations, nested(depth)),
            (
                confirmations,
                format!(
                    r#"{{"worked": {}, "sdk_version": "0.40.0"}}"#,
                    nested(depth)
                ),
            ),
        ] {
            let a = site.send(raw(uri, body.into_bytes())).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
            assert_eq!(a.json()["error"]["code"], "unprocessable");
        }
    }
    let mut not_utf8 = br#"{"text": "A fine note "#.to_vec();
    not_utf8.extend_from_slice(b"\xff\xfe text.\", \"sdk_version\": \"anthropic 0.40.0\"}");
    let a = site.send(raw(NOTES, not_utf8)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    assert_eq!(a.json()["error"]["code"], "invalid_json");
    assert_eq!(site.note_count().await, 0);
}

#[tokio::test]
async fn unknown_entries_and_notes_are_404() {
    let site = sqlite_site(moderated()).await;
    for uri in [
        "/api/v1/errors/anthropic/no-such-error/notes",
        "/api/v1/errors/nosuch/authentication-error/notes",
    ] {
        site.get(uri).await.expect(StatusCode::NOT_FOUND);
        let a = site
            .post_json(
                uri,
                serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.40.0"}),
            )
            .await
            .expect(StatusCode::NOT_FOUND);
        assert_eq!(a.json()["error"]["code"], "not_found");
    }
    let form = [
        ("text", "A fine note text."),
        ("sdk_version", "anthropic 0.40.0"),
    ];
    let a = site
        .send(
            form_to("/errors/anthropic/no-such-error/notes", 1)
                .body(form_body(&form))
                .unwrap(),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    assert!(a.header("content-type").starts_with("text/html"));
    for id in ["not-a-uuid", "6f9619ff-8b86-4011-b42d-00c04fc964ff"] {
        site.send(json_request(
            &format!("/api/v1/notes/{id}/confirmations"),
            serde_json::json!({"worked": true, "sdk_version": "0.40.0"}),
            1,
        ))
        .await
        .expect(StatusCode::NOT_FOUND);
    }
    // A pending note cannot be confirmed either.
    let id = site.pending("A note nobody has published.").await;
    site.send(json_request(
        &format!("/api/v1/notes/{id}/confirmations"),
        serde_json::json!({"worked": true, "sdk_version": "0.40.0"}),
        1,
    ))
    .await
    .expect(StatusCode::NOT_FOUND);
    // Without a database the notes list is empty and submitting says why.
    let none = AppState::new(errdex_kb::index(), None);
    let a = app(none.clone())
        .oneshot(Request::get(NOTES).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(a.status(), StatusCode::OK);
    let a = app(none)
        .oneshot(json_request(
            NOTES,
            serde_json::json!({"text": "A fine note text.", "sdk_version": "anthropic 0.40.0"}),
            1,
        ))
        .await
        .unwrap();
    assert_eq!(a.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// Payloads from the usual XSS cheat sheets: whatever the Markdown, none of them reaches
/// a page or the API as markup.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "![x\" onerror=\"alert(1)](https://example.com/a.png)",
    "<details open ontoggle=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<p title=\"</p><script>alert(1)</script>\">x</p>",
    "<!--<script>alert(1)//-->",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "[ok](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
];

/// The rendered notes in a page: each `<div class="note-body">…</div>` (notes hold no div).
fn note_bodies(html: &str) -> Vec<&str> {
    html.match_indices("<div class=\"note-body\">")
        .map(|(at, _)| {
            let rest = &html[at..];
            &rest[..rest.find("</div>").expect("closed")]
        })
        .collect()
}

/// Every tag in `html`: its name and its attributes (name, value), quotes honoured.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        let mut j = i;
        let mut quote = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (None, b'"' | b'\'') => quote = Some(bytes[j]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let inside = &html[i..j.min(html.len())];
        let name_end = inside
            .find(|c: char| c.is_whitespace() || c == '/' && !inside.starts_with('/'))
            .unwrap_or(inside.len());
        let name = inside[..name_end]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let mut attrs = Vec::new();
        let rest = &inside[name_end..];
        let mut k = 0;
        let r = rest.as_bytes();
        while k < r.len() {
            while k < r.len() && (r[k].is_ascii_whitespace() || r[k] == b'/') {
                k += 1;
            }
            let start = k;
            while k < r.len() && !r[k].is_ascii_whitespace() && r[k] != b'=' {
                k += 1;
            }
            let attr = rest[start..k].to_ascii_lowercase();
            let mut value = String::new();
            if k < r.len() && r[k] == b'=' {
                k += 1;
                if k < r.len() && (r[k] == b'"' || r[k] == b'\'') {
                    let q = r[k];
                    let v0 = k + 1;
                    k = v0;
                    while k < r.len() && r[k] != q {
                        k += 1;
                    }
                    value = rest[v0..k].to_string();
                    k += 1;
                } else {
                    let v0 = k;
                    while k < r.len() && !r[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    value = rest[v0..k].to_string();
                }
            }
            if !attr.is_empty() {
                attrs.push((attr, value));
            }
        }
        out.push((name, attrs));
        i = j;
    }
    out
}

/// Only the few text tags a note may have, with harmless attributes and no script URL.
fn assert_no_markup_survives(html: &str, context: &str) {
    const TAGS: &[&str] = &[
        "p",
        "br",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "div",
    ];
    for (name, attrs) in tags(html) {
        assert!(
            TAGS.contains(&name.as_str()),
            "{context}: <{name}> survived in {html}"
        );
        for (attr, value) in attrs {
            assert!(
                ["href", "rel", "title", "class"].contains(&attr.as_str()),
                "{context}: attribute `{attr}` on <{name}> survived in {html}"
            );
            let v = value.trim().to_ascii_lowercase();
            assert!(
                !(attr == "href"
                    && ["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| v.starts_with(s))),
                "{context}: {attr}={value} in {html}"
            );
        }
    }
}

#[tokio::test]
async fn no_xss_payload_survives_in_the_served_html() {
    for site in sites(NotesOptions {
        notes_per_hour: 0,
        ..moderated()
    })
    .await
    {
        for payload in XSS {
            site.published(&format!("Payload: {payload}")).await;
        }
        let page = site.get(PAGE).await.expect(StatusCode::OK).text();
        let section = notes_section(&page);
        assert_eq!(section.matches("class=\"note\"").count(), XSS.len());
        // Our own confirm forms are the only forms in the notes.
        assert_eq!(section.matches("<form").count(), XSS.len());
        let bodies = note_bodies(section);
        assert_eq!(bodies.len(), XSS.len());
        for body in bodies {
            assert_no_markup_survives(body, "entry page");
            assert!(!body.contains("<form"), "{body}");
        }
        let api = site.get(NOTES).await.json();
        for note in api["notes"].as_array().unwrap() {
            let html = note["html"].as_str().unwrap();
            assert_no_markup_survives(html, "notes API");
            assert!(!html.to_ascii_lowercase().contains("<form"), "{html}");
        }
        let admin = site
            .admin("GET", "/api/v1/admin/notes?status=all&limit=500")
            .await
            .json();
        for note in admin["notes"].as_array().unwrap() {
            assert_no_markup_survives(note["html"].as_str().unwrap(), "admin API");
        }
        let admin_page = site
            .send(
                Request::get("/admin?status=all")
                    .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .expect(StatusCode::OK)
            .text();
        let bodies = note_bodies(&admin_page);
        assert_eq!(bodies.len(), XSS.len());
        for body in bodies {
            assert_no_markup_survives(body, "admin page");
        }
        // The Markdown as written is shown escaped.
        assert!(admin_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}

#[tokio::test]
async fn sql_injection_strings_are_stored_and_shown_literally() {
    for site in sites(moderated()).await {
        let text = "Robert'); DROP TABLE notes;-- and \" OR 1=1 -- and $1";
        let id = site.published(text).await;
        let api = site.get(NOTES).await.json();
        assert_eq!(api["notes"][0]["id"], id.as_str());
        assert_eq!(
            api["notes"][0]["html"],
            "<p>Robert'); DROP TABLE notes;-- and \" OR 1=1 -- and $1</p>\n"
        );
        let page = site.get(PAGE).await.text();
        assert!(notes_section(&page).contains("DROP TABLE notes;--"));
        // The tables are still there.
        site.pending("Still works after the injection attempt.")
            .await;
        assert_eq!(site.note_count().await, 2);
    }
}

#[tokio::test]
async fn the_notes_fragment_is_cached_until_that_entry_changes() {
    for site in sites(moderated()).await {
        let first = site.get(PAGE).await.expect(StatusCode::OK);
        let second = site.get(PAGE).await.expect(StatusCode::OK);
        assert_eq!(
            second.header("x-notes-cache"),
            "hit",
            "{:?}",
            site.store.backend()
        );
        assert_eq!(first.header("etag"), second.header("etag"));
        let etag = first.header("etag").to_string();
        let revalidated = site
            .send(
                Request::get(PAGE)
                    .header(header::IF_NONE_MATCH, &etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .expect(StatusCode::NOT_MODIFIED);
        assert!(revalidated.body.is_empty());
        site.get(NOTES).await;
        assert_eq!(site.get(NOTES).await.header("x-notes-cache"), "hit");
        let other = "/errors/anthropic/rate-limit-error";
        site.get(other).await;

        // A pending note changes nothing readers see.
        let id = site.pending("A note to change the cache.").await;
        assert_eq!(site.get(PAGE).await.header("x-notes-cache"), "hit");
        site.admin("POST", &format!("/api/v1/admin/notes/{id}/publish"))
            .await
            .expect(StatusCode::OK);
        let changed = site.get(PAGE).await.expect(StatusCode::OK);
        assert_eq!(changed.header("x-notes-cache"), "miss");
        assert!(changed.text().contains("A note to change the cache."));
        assert_ne!(changed.header("etag"), etag);
        site.send(
            Request::get(PAGE)
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(site.get(PAGE).await.header("x-notes-cache"), "hit");
        // Another entry's fragment was not touched.
        assert_eq!(site.get(other).await.header("x-notes-cache"), "hit");
        // A confirmation changes the counts, so the fragment again.
        site.send(json_request(
            &format!("/api/v1/notes/{id}/confirmations"),
            serde_json::json!({"worked": true, "sdk_version": "0.40.0"}),
            9,
        ))
        .await
        .expect(StatusCode::CREATED);
        let counted = site.get(NOTES).await;
        assert_eq!(counted.header("x-notes-cache"), "miss");
        assert_eq!(counted.json()["notes"][0]["worked"], 1);
    }
}

/// Snapshots of what readers get: the notes fragment and the notes JSON, with the
/// random ids and the times replaced.
#[tokio::test]
async fn snapshot_of_the_notes_fragment_and_json() {
    let site = sqlite_site(moderated()).await;
    let mut ids = Vec::new();
    for (text, name) in [
        ("Export `ANTHROPIC_API_KEY` in the shell that runs Python, then restart the kernel.", Some("Ada")),
        ("With **0.40** the key must be passed as `api_key=`; see [the docs](https://docs.anthropic.com/en/api/errors).", None),
    ] {
        let a = site
            .post_json(NOTES, serde_json::json!({"text": text, "sdk_version": "anthropic 0.40.0", "name": name}))
            .await
            .expect(StatusCode::CREATED);
        let id = a.json()["id"].as_str().unwrap().to_string();
        site.admin("POST", &format!("/api/v1/admin/notes/{id}/publish")).await;
        ids.push(id);
    }
    for (client, version) in [(1, "0.40.0"), (2, "0.41.0")] {
        site.send(json_request(
            &format!("/api/v1/notes/{}/confirmations", ids[1]),
            serde_json::json!({"worked": true, "sdk_version": version}),
            client,
        ))
        .await
        .expect(StatusCode::CREATED);
    }
    let json = site.get(NOTES).await.json();
    let scrub = |text: String| {
        let mut out = text;
        for (n, id) in ids.iter().enumerate() {
            out = out.replace(id.as_str(), &format!("NOTE-{n}"));
        }
        let times: Vec<&str> = json["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["created_at"].as_str().unwrap())
            .collect();
        for at in &times {
            out = out.replace(at, "CREATED-AT");
        }
        for at in &times {
            out = out.replace(&at[..10], "DATE");
        }
        out
    };
    let page = site.get(PAGE).await.text();
    insta::assert_snapshot!("notes_fragment", scrub(notes_section(&page).to_string()));
    let json_text = serde_json::to_string_pretty(&json).unwrap();
    insta::assert_snapshot!("notes_json", scrub(json_text));
}
