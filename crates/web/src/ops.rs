//! What operators and machines read: health, readiness, metrics, llms.txt, the sitemap and
//! the static assets (one CSS file, one small script for copy buttons).

use crate::cache::{Cached, IMMUTABLE, REVALIDATE};
use crate::pages::entry_href;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use errdex_entry::{Kind, Provider};
use std::fmt::Write;
use std::sync::OnceLock;

const CSS: &str = include_str!("../static/errdex.css");
const JS: &str = include_str!("../static/errdex.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/llms.txt", get(llms_txt))
        .route("/sitemap.xml", get(sitemap))
        .route("/static/errdex.css", get(css))
        .route("/static/errdex.js", get(js))
}

fn css_asset() -> &'static Cached {
    static CELL: OnceLock<Cached> = OnceLock::new();
    CELL.get_or_init(|| {
        Cached::new(
            "text/css; charset=utf-8",
            IMMUTABLE,
            CSS.as_bytes().to_vec(),
        )
    })
}

fn js_asset() -> &'static Cached {
    static CELL: OnceLock<Cached> = OnceLock::new();
    CELL.get_or_init(|| {
        Cached::new(
            "text/javascript; charset=utf-8",
            IMMUTABLE,
            JS.as_bytes().to_vec(),
        )
    })
}

/// The stylesheet's URL, with its hash so that it can be cached for good.
pub fn css_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/static/errdex.css?v={}", css_asset().hash()))
}

pub fn js_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/static/errdex.js?v={}", js_asset().hash()))
}

async fn css(headers: HeaderMap) -> Response {
    css_asset().respond(&headers)
}

async fn js(headers: HeaderMap) -> Response {
    js_asset().respond(&headers)
}

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = crate::error::ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let store = state
        .store()
        .ok_or_else(|| AppError::Unavailable("no database is configured".into()))?;
    store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        AppError::Unavailable("the database does not answer".into())
    })?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
        .into_response()
}

/// Every entry with its one-line meaning, for AI agents (llmstxt.org format).
#[utoipa::path(get, path = "/llms.txt", tag = "operations",
    responses((status = 200, description = "Every entry with its one-line meaning (Markdown)", body = String, content_type = "text/plain")))]
pub async fn llms_txt(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state
        .pages()
        .llms
        .get_or_init(|| {
            let index = state.index();
            let mut out = String::from(
            "# errdex\n\n> The error index for LLM APIs: what each error of Anthropic, OpenAI and \
             other LLM APIs and SDKs means and how to fix it. Every entry is also JSON at \
             /api/v1/errors/<provider>/<slug>; POST a traceback to /api/v1/diagnose \
             (OpenAPI: /openapi.json).\n",
        );
            for p in Provider::ALL {
                let mut entries = index.current(Some(*p), None).peekable();
                if entries.peek().is_none() {
                    continue;
                }
                let _ = write!(out, "\n## {p}\n\n");
                for e in entries {
                    let _ = writeln!(out, "- [{}]({}): {}", e.title, entry_href(&e.id), e.summary);
                }
            }
            Cached::new("text/plain; charset=utf-8", REVALIDATE, out.into_bytes())
        })
        .respond(&headers)
}

#[utoipa::path(get, path = "/sitemap.xml", tag = "operations",
    responses((status = 200, description = "Every page, as absolute URLs on the host asked", body = String, content_type = "application/xml")))]
pub async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // The server does not know its public name: the URLs use the Host the crawler asked.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    let base = format!("{scheme}://{host}");
    let index = state.index();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<url><loc>{base}/</loc></url>\n"
    );
    for p in Provider::ALL
        .iter()
        .filter(|p| index.current(Some(**p), None).next().is_some())
    {
        let _ = writeln!(out, "<url><loc>{base}/errors/{p}</loc></url>");
    }
    for k in Kind::ALL
        .iter()
        .filter(|k| index.current(None, Some(**k)).next().is_some())
    {
        let _ = writeln!(out, "<url><loc>{base}/kinds/{k}</loc></url>");
    }
    for e in index.current(None, None) {
        let _ = writeln!(out, "<url><loc>{base}{}</loc></url>", entry_href(&e.id));
    }
    out.push_str("</urlset>\n");
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        out,
    )
        .into_response()
}
