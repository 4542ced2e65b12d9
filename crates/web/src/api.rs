//! The JSON API under `/api/v1`, and its OpenAPI document generated from these handlers
//! (utoipa). Entry JSON is `errdex_entry::views`, exactly what `errdex explain --json` and
//! `errdex list --json` print; the schema types here only document it, and the tests check
//! that real responses fit them.

use crate::cache::{Cached, Slot, REVALIDATE};
use crate::error::{ApiJson, AppError, ErrorBody, QueryArgs};
use crate::pages::{lookup, Lookup};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use errdex_entry::views::{EntryView, ListItem};
use errdex_entry::{Kind, Provider};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/errors", get(list_errors))
        .route("/api/v1/errors/{provider}/{slug}", get(get_error))
        .route("/api/v1/diagnose", post(diagnose))
        .route("/api/v1/search", get(search))
        .route("/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "errdex",
        description = "The error index for LLM APIs: entries, search and diagnosis of pasted errors. Every error is `{\"error\": {\"code\", \"message\"}}` with the matching HTTP status."
    ),
    paths(
        list_errors,
        get_error,
        diagnose,
        search,
        openapi,
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
        crate::ops::llms_txt,
        crate::ops::sitemap,
        crate::notes::list_notes,
        crate::notes::create_note,
        crate::notes::confirm_note,
        crate::admin::list,
        crate::admin::publish,
        crate::admin::reject,
        crate::admin::remove
    ),
    components(schemas(
        ErrorBody,
        ListResponseSchema,
        ListItemSchema,
        EntrySchema,
        DiagnoseRequest,
        DiagnosisSchema,
        MatchSchema,
        EvidenceSchema,
        SearchResponse,
        SearchItem,
        crate::ops::Health,
        crate::notes::NotesResponse,
        crate::notes::NoteView,
        crate::notes::VersionCountView,
        crate::notes::CreateNoteRequest,
        crate::notes::CreatedNote,
        crate::notes::ConfirmRequest,
        crate::notes::ConfirmResponse,
        crate::admin::AdminNote,
        crate::admin::AdminNotes,
        crate::admin::RejectRequest,
        crate::admin::Deleted
    )),
    modifiers(&AdminTokenScheme),
    tags(
        (name = "errors", description = "The knowledge base"),
        (name = "diagnosis", description = "Recognise an error in pasted text"),
        (name = "notes", description = "Community notes: readers' version-tagged tips, published after moderation"),
        (name = "moderation", description = "Publish, reject and delete notes (`Authorization: Bearer <ERRDEX_ADMIN_TOKEN>`)"),
        (name = "operations", description = "Health, metrics and documents for machines")
    )
)]
pub struct ApiDoc;

/// The admin API's bearer token (`ERRDEX_ADMIN_TOKEN`).
struct AdminTokenScheme;

impl utoipa::Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The server's ERRDEX_ADMIN_TOKEN"))
                    .build(),
            ),
        );
    }
}

// ---------------------------------------------------------------- list

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this provider (taxonomy value, e.g. `anthropic`).
    provider: Option<String>,
    /// Only this kind (taxonomy value, e.g. `authentication`).
    kind: Option<String>,
    /// Free-text query: results ranked by relevance instead of by id.
    q: Option<String>,
    /// At most this many items (default 50, at most 500).
    limit: Option<usize>,
    /// Skip this many items first (default 0).
    offset: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct ListResponse<'a> {
    errors: Vec<ListItem<'a>>,
    /// How many entries match, before `limit` and `offset`.
    total: usize,
    limit: usize,
    offset: usize,
}

/// Documents [`ListResponse`] (whose items are `errdex list --json` rows).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = ListResponse)]
#[allow(dead_code)]
pub struct ListResponseSchema {
    errors: Vec<ListItemSchema>,
    total: usize,
    limit: usize,
    offset: usize,
}

/// One row of `errdex list --json`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = ListItem)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ListItemSchema {
    /// `<provider>/<slug>`
    id: String,
    provider: String,
    kind: String,
    title: String,
    summary: String,
    http_status: Option<u16>,
    exceptions: Vec<String>,
    /// low, medium, high or critical
    severity: String,
    /// True only when the last `errdex verify` run passed.
    verified: bool,
    /// not_run, passed, failed or unverifiable
    verification: String,
    verification_reason: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

fn parse_filter<T>(
    text: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    name: &str,
    expected: String,
) -> Result<Option<T>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(t).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!("`{t}` is not a {name}; use one of {expected}"))
        }),
    }
}

/// The entries, filtered, ranked by a query when `q` is given, and paged.
#[utoipa::path(get, path = "/api/v1/errors", tag = "errors", params(ListParams),
    responses(
        (status = 200, description = "The entries", body = ListResponseSchema),
        (status = 400, description = "An unknown provider or kind, or a bad number", body = ErrorBody)))]
async fn list_errors(
    State(state): State<AppState>,
    QueryArgs(params): QueryArgs<ListParams>,
) -> Result<Response, AppError> {
    let index = state.index();
    let provider = parse_filter(
        params.provider.as_deref(),
        Provider::parse,
        "provider",
        Provider::expected(),
    )?;
    let kind = parse_filter(
        params.kind.as_deref(),
        Kind::parse,
        "kind",
        Kind::expected(),
    )?;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if limit > MAX_LIMIT {
        return Err(AppError::BadRequest(format!(
            "limit is at most {MAX_LIMIT}"
        )));
    }
    let offset = params.offset.unwrap_or(0);
    let matching: Vec<_> = match params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => index.current(provider, kind).collect(),
        Some(q) => state
            .searcher()?
            .search(q, index.entries.len())
            .map_err(|e| AppError::Internal(e.to_string()))?
            .into_iter()
            .filter_map(|hit| index.get(&hit.id))
            .filter(|e| {
                provider.is_none_or(|p| e.provider == p) && kind.is_none_or(|k| e.kind == k)
            })
            .collect(),
    };
    let total = matching.len();
    let errors = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(ListItem::new)
        .collect();
    Ok(Json(ListResponse {
        errors,
        total,
        limit,
        offset,
    })
    .into_response())
}

// ---------------------------------------------------------------- one entry

/// Documents an entry: exactly `errdex explain --json`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = Entry)]
#[allow(dead_code)]
pub struct EntrySchema {
    id: String,
    title: String,
    summary: String,
    provider: String,
    kind: String,
    http_status: Option<u16>,
    error_codes: Vec<String>,
    severity: String,
    difficulty: String,
    time_to_fix: String,
    retryable: bool,
    /// current or retired
    status: String,
    successor: Option<String>,
    aliases: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    exceptions: Vec<serde_json::Value>,
    #[schema(value_type = Object)]
    signals: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    compatibility: Vec<serde_json::Value>,
    #[schema(value_type = Object)]
    related: serde_json::Value,
    sources: Vec<String>,
    verified: bool,
    #[schema(value_type = Object)]
    verification: serde_json::Value,
    /// The traceback captured by `errdex verify`; null until it has run.
    stack_trace: Option<String>,
    /// meaning, quick_fix, why, detection, causes, code, workaround, prevention
    #[schema(value_type = Object)]
    sections: serde_json::Value,
    file: String,
}

/// One entry, the same JSON as `errdex explain --json`. A retired or renamed id answers
/// 301 with the successor's URL.
#[utoipa::path(get, path = "/api/v1/errors/{provider}/{slug}", tag = "errors",
    params(
        ("provider" = String, Path, description = "Taxonomy provider", example = "anthropic"),
        ("slug" = String, Path, description = "The entry's slug", example = "authentication-error")),
    responses(
        (status = 200, description = "The entry", body = EntrySchema),
        (status = 301, description = "Retired or renamed: Location names the successor"),
        (status = 404, description = "No such entry", body = ErrorBody)))]
async fn get_error(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let index = state.index();
    match lookup(index, &provider, &slug)? {
        Lookup::Moved(to) => Ok(crate::moved(&format!(
            "/api/v1/errors/{}/{}",
            to.provider, to.slug
        ))),
        Lookup::Found(n, entry) => {
            let slot = state.api_entry(n);
            let json = slot.get_or_init(|| {
                let body = serde_json::to_vec(&EntryView::new(entry)).expect("views serialise");
                Cached::new("application/json", REVALIDATE, body)
            });
            Ok(json.respond(&headers))
        }
    }
}

// ---------------------------------------------------------------- diagnosis

#[derive(Debug, Deserialize, ToSchema)]
pub struct DiagnoseRequest {
    /// The traceback, log or error message, as pasted (at most 1 MB). Never stored or logged.
    pub text: String,
}

/// Documents a diagnosis: exactly `errdex diagnose --json`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = Diagnosis)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DiagnosisSchema {
    /// The text as diagnosed, with secrets redacted; evidence offsets point into it.
    text: String,
    /// Best first; empty when nothing is recognised.
    matches: Vec<MatchSchema>,
    /// What was read from the text (SDK, status, request id, …).
    #[schema(value_type = Object)]
    facts: serde_json::Value,
    /// When nothing matched: the ids of the nearest entries.
    suggestions: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = Match)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MatchSchema {
    id: String,
    provider: String,
    kind: String,
    title: String,
    /// 0 to 1.
    confidence: f64,
    quick_fix: String,
    evidence: Vec<EvidenceSchema>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = Evidence)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EvidenceSchema {
    /// What kind of signal: exception class, status, error code, literal, pattern…
    signal: String,
    value: String,
    /// Byte offsets into `text`.
    start: usize,
    end: usize,
}

/// Recognise the error in a traceback or log.
#[utoipa::path(post, path = "/api/v1/diagnose", tag = "diagnosis",
    request_body(content = DiagnoseRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The matches, best first (empty when nothing is recognised)", body = DiagnosisSchema),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 413, description = "The body is over 1 MB", body = ErrorBody),
        (status = 415, description = "Not `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "JSON without a `text` string", body = ErrorBody)))]
async fn diagnose(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<DiagnoseRequest>,
) -> Result<Response, AppError> {
    crate::diagnosis::diagnose_json(&state, &request.text)
}

// ---------------------------------------------------------------- search

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to look for.
    #[serde(default)]
    q: String,
    /// At most this many results (default 10, at most 100).
    limit: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResponse {
    query: String,
    results: Vec<SearchItem>,
}

/// One result, best first (the same fields as `errdex search --json`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchItem {
    id: String,
    title: String,
    provider: String,
    kind: String,
    score: f32,
    /// Plain text around the matched words.
    snippet: String,
}

/// Ranked full-text search.
#[utoipa::path(get, path = "/api/v1/search", tag = "errors", params(SearchParams),
    responses(
        (status = 200, description = "Results, best first", body = SearchResponse),
        (status = 400, description = "A bad limit", body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    QueryArgs(params): QueryArgs<SearchParams>,
) -> Result<Json<SearchResponse>, AppError> {
    let limit = params.limit.unwrap_or(10);
    if limit > 100 {
        return Err(AppError::BadRequest("limit is at most 100".into()));
    }
    let index = state.index();
    let query = params.q.trim().to_string();
    let hits = state
        .searcher()?
        .search(&query, limit)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let results = hits
        .into_iter()
        .filter_map(|hit| {
            let e = index.get(&hit.id)?;
            Some(SearchItem {
                id: e.id.to_string(),
                title: e.title.clone(),
                provider: e.provider.as_str().into(),
                kind: e.kind.as_str().into(),
                score: hit.score,
                snippet: hit.snippet,
            })
        })
        .collect();
    Ok(Json(SearchResponse { query, results }))
}

// ---------------------------------------------------------------- the document

static OPENAPI: Slot = Slot::new();

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
async fn openapi(headers: HeaderMap) -> Response {
    OPENAPI
        .get_or_init(|| {
            let json = ApiDoc::openapi()
                .to_json()
                .expect("the document serialises");
            Cached::new("application/json", REVALIDATE, json.into_bytes())
        })
        .respond(&headers)
}

#[cfg(test)]
mod tests {
    //! Real responses fit the schemas the document shows (unknown fields are refused where
    //! the schema is closed), so the document cannot drift from the views.
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use serde::de::DeserializeOwned;
    use tower::ServiceExt;

    async fn fetch<T: DeserializeOwned>(request: Request<Body>) -> T {
        let state = AppState::new(errdex_kb::index(), None);
        let response = crate::app(state).oneshot(request).await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)))
    }

    fn get(uri: &str) -> Request<Body> {
        Request::get(uri).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn responses_fit_their_documented_schemas() {
        let list: ListResponseSchema = fetch(get("/api/v1/errors")).await;
        assert!(!list.errors.is_empty());
        let _: EntrySchema = fetch(get("/api/v1/errors/anthropic/authentication-error")).await;
        let _: SearchResponse = fetch(get("/api/v1/search?q=api+key")).await;
        let diagnosis: DiagnosisSchema = fetch(
            Request::post("/api/v1/diagnose")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"text": "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}}"}"#))
                .unwrap(),
        )
        .await;
        assert!(!diagnosis.matches.is_empty());
        let _: crate::ops::Health = fetch(get("/healthz")).await;
    }
}
