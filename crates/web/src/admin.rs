//! Moderation: the `/admin` page (sign in with the admin token, then publish, reject with
//! a reason, or delete notes; forms that work without JavaScript) and the same under
//! `/api/v1/admin` with `Authorization: Bearer <ERRDEX_ADMIN_TOKEN>`. Without a token
//! configured nothing can be moderated: notes are still taken and stay pending, and the
//! page says how to turn moderation on. Every action is written to the audit log by the
//! store, in the same transaction as the change.

use crate::error::{AppError, ErrorBody, FormData, QueryArgs};
use crate::guard::{self, Limit, SESSION_COOKIE};
use crate::markdown::note_html;
use crate::notes::Client;
use crate::pages::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use errdex_store::{AuditEntry, Note, NoteStatus};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const REASON_MAX: usize = 500;
const PAGE_ACTOR: &str = "admin-page";
const API_ACTOR: &str = "admin-api";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/login", post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/notes/{id}/{action}", post(moderate_form))
        .route("/api/v1/admin/notes", get(list))
        .route("/api/v1/admin/notes/{id}/publish", post(publish))
        .route("/api/v1/admin/notes/{id}/reject", post(reject))
        .route("/api/v1/admin/notes/{id}", delete(remove))
}

/// A note as moderators see it: every field, and the text both as written and as shown.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AdminNote {
    pub id: Uuid,
    /// `<provider>/<slug>`
    pub entry_id: String,
    /// The Markdown as written.
    pub text: String,
    /// As readers would see it.
    pub html: String,
    /// e.g. `anthropic 0.40.0`
    pub sdk_version: String,
    pub name: Option<String>,
    /// pending, published or rejected
    pub status: String,
    pub reject_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Note> for AdminNote {
    fn from(n: &Note) -> Self {
        AdminNote {
            id: n.id,
            entry_id: n.entry_id.clone(),
            text: n.text.clone(),
            html: note_html(&n.text),
            sdk_version: format!("{} {}", n.sdk_package, n.sdk_version),
            name: n.name.clone(),
            status: n.status.as_str().into(),
            reject_reason: n.reject_reason.clone(),
            created_at: n.created_at.to_text(),
            updated_at: n.updated_at.to_text(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AdminNotes {
    pub notes: Vec<AdminNote>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `pending` (default), `published`, `rejected` or `all`.
    status: Option<String>,
    /// At most this many (default 100, at most 500), oldest first.
    limit: Option<u32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RejectRequest {
    /// Why (optional in the API, at most 500 characters); kept with the note and in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Deleted {
    pub id: Uuid,
    pub deleted: bool,
}

fn store(state: &AppState) -> Result<&errdex_store::Store, AppError> {
    state.store().ok_or_else(|| {
        AppError::Unavailable("moderation needs a database, and this server has none".into())
    })
}

fn internal(e: errdex_store::StoreError) -> AppError {
    AppError::from(e)
}

fn parse_status(text: Option<&str>) -> Result<Option<NoteStatus>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Some(NoteStatus::Pending)),
        Some("all") => Ok(None),
        Some(t) => NoteStatus::parse(t).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "`status`: `{t}` is not one of pending, published, rejected, all"
            ))
        }),
    }
}

fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound(format!("there is no note `{id}`")))
}

fn reason(text: Option<&str>, required: bool) -> Result<Option<String>, AppError> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    match text {
        None if required => Err(AppError::Unprocessable(
            "`reason`: say why the note is rejected".into(),
        )),
        None => Ok(None),
        Some(t) if t.chars().count() > REASON_MAX => Err(AppError::Unprocessable(format!(
            "`reason`: at most {REASON_MAX} characters"
        ))),
        Some(t) if t.contains('\0') => Err(AppError::Unprocessable(
            "`reason`: contains a NUL character".into(),
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

enum Action {
    Publish,
    Reject(Option<String>),
    Delete,
}

async fn act(state: &AppState, id: Uuid, action: Action, actor: &str) -> Result<Note, AppError> {
    let store = store(state)?;
    let done = match &action {
        Action::Publish => store.publish(id, actor).await,
        Action::Reject(reason) => {
            store
                .reject(id, reason.as_deref().unwrap_or(""), actor)
                .await
        }
        Action::Delete => store.delete_note(id, actor).await,
    }
    .map_err(internal)?;
    done.ok_or_else(|| AppError::NotFound(format!("there is no note `{id}`")))
}

// ---------------------------------------------------------------- API

/// Notes by status, oldest first: the moderation queue.
#[utoipa::path(get, path = "/api/v1/admin/notes", tag = "moderation", params(ListParams),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The notes", body = AdminNotes),
        (status = 400, description = "An unknown status or a bad limit", body = ErrorBody),
        (status = 401, description = "A wrong or missing token, or no token configured", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryArgs(params): QueryArgs<ListParams>,
) -> Result<Json<AdminNotes>, AppError> {
    state.notes().admin.check(&headers, false)?;
    let status = parse_status(params.status.as_deref())?;
    let limit = params.limit.unwrap_or(100);
    if limit > 500 {
        return Err(AppError::BadRequest("`limit`: at most 500".into()));
    }
    let notes = store(&state)?
        .notes(status, limit)
        .await
        .map_err(internal)?;
    Ok(Json(AdminNotes {
        notes: notes.iter().map(AdminNote::from).collect(),
    }))
}

/// Publish a note: readers see it on the entry page and in the notes API.
#[utoipa::path(post, path = "/api/v1/admin/notes/{id}/publish", tag = "moderation",
    params(("id" = Uuid, Path, description = "The note's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Published", body = AdminNote),
        (status = 401, description = "A wrong or missing token", body = ErrorBody),
        (status = 404, description = "No such note", body = ErrorBody)))]
async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<AdminNote>, AppError> {
    state.notes().admin.check(&headers, false)?;
    let note = act(&state, parse_id(&id)?, Action::Publish, API_ACTOR).await?;
    Ok(Json(AdminNote::from(&note)))
}

/// Reject a note, optionally with a reason (JSON `{"reason": "…"}`; the body may be empty).
#[utoipa::path(post, path = "/api/v1/admin/notes/{id}/reject", tag = "moderation",
    params(("id" = Uuid, Path, description = "The note's id")),
    request_body(content = Option<RejectRequest>, content_type = "application/json"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Rejected", body = AdminNote),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "A wrong or missing token", body = ErrorBody),
        (status = 404, description = "No such note", body = ErrorBody),
        (status = 422, description = "The reason is too long", body = ErrorBody)))]
async fn reject(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AdminNote>, AppError> {
    state.notes().admin.check(&headers, false)?;
    let request: RejectRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RejectRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::InvalidJson(format!("the body is not valid JSON: {e}")))?
    };
    let reason = reason(request.reason.as_deref(), false)?;
    let note = act(&state, parse_id(&id)?, Action::Reject(reason), API_ACTOR).await?;
    Ok(Json(AdminNote::from(&note)))
}

/// Delete a note and its confirmations (the audit log keeps the action).
#[utoipa::path(delete, path = "/api/v1/admin/notes/{id}", tag = "moderation",
    params(("id" = Uuid, Path, description = "The note's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 401, description = "A wrong or missing token", body = ErrorBody),
        (status = 404, description = "No such note", body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Deleted>, AppError> {
    state.notes().admin.check(&headers, false)?;
    let note = act(&state, parse_id(&id)?, Action::Delete, API_ACTOR).await?;
    Ok(Json(Deleted {
        id: note.id,
        deleted: true,
    }))
}

// ---------------------------------------------------------------- the page

struct StatusLink {
    value: &'static str,
    current: bool,
}

struct AuditRow {
    at: String,
    action: &'static str,
    note: String,
    entry: String,
    reason: String,
    actor: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    enabled: bool,
    signed_in: bool,
    statuses: Vec<StatusLink>,
    notes: Vec<AdminNote>,
    audit: Vec<AuditRow>,
}

fn audit_row(a: &AuditEntry) -> AuditRow {
    AuditRow {
        at: a.at.to_text(),
        action: a.action.as_str(),
        note: a.note_id.to_string(),
        entry: a.entry_id.clone(),
        reason: a.reason.clone().unwrap_or_default(),
        actor: a.actor.clone(),
    }
}

fn no_store(body: String) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

#[derive(Deserialize)]
struct PageQuery {
    status: Option<String>,
}

async fn admin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryArgs(query): QueryArgs<PageQuery>,
) -> Result<Response, AppError> {
    let admin = &state.notes().admin;
    let enabled = admin.is_enabled();
    let signed_in = enabled && admin.check(&headers, true).is_ok();
    let status = parse_status(query.status.as_deref())?;
    let (notes, audit) = if signed_in {
        let store = store(&state)?;
        let notes = store.notes(status, 200).await.map_err(internal)?;
        let audit = store.audit_log(50).await.map_err(internal)?;
        (notes, audit)
    } else {
        (Vec::new(), Vec::new())
    };
    let current = status.map_or("all", NoteStatus::as_str);
    let body = render(&AdminPage {
        layout: Layout::new(state.index(), "Moderation", "Moderate community notes."),
        enabled,
        signed_in,
        statuses: ["pending", "published", "rejected", "all"]
            .into_iter()
            .map(|value| StatusLink {
                value,
                current: value == current,
            })
            .collect(),
        notes: notes.iter().map(AdminNote::from).collect(),
        audit: audit.iter().map(audit_row).collect(),
    })?;
    Ok(no_store(String::from_utf8_lossy(&body).into_owned()))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    token: String,
}

/// Sign-in attempts per client per hour: the token is long, but guessing stays slow.
static LOGIN_LIMIT: LazyLock<Limit> = LazyLock::new(|| Limit::per_hour(30, "sign-in attempts"));

fn see_admin() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/admin")]).into_response()
}

async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    FormData(form): FormData<LoginForm>,
) -> Result<Response, AppError> {
    let notes = state.notes();
    guard::same_origin(&headers, notes.options.trust_proxy)?;
    LOGIN_LIMIT.check(client)?;
    if !notes.admin.matches(&form.token) {
        return Err(AppError::Unauthorized(if notes.admin.is_enabled() {
            "that is not the admin token".into()
        } else {
            "moderation is off on this server: start `errdex serve` with ERRDEX_ADMIN_TOKEN set"
                .into()
        }));
    }
    let secure = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| o.starts_with("https://"))
        || (notes.options.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .is_some_and(|p| p == "https"));
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/admin; HttpOnly; SameSite=Strict{}",
        notes.admin.session_value().unwrap_or_default(),
        if secure { "; Secure" } else { "" }
    );
    let mut response = see_admin();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie
            .parse()
            .map_err(|_| AppError::Internal("cookie".into()))?,
    );
    Ok(response)
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    guard::same_origin(&headers, state.notes().options.trust_proxy)?;
    let mut response = see_admin();
    response.headers_mut().insert(
        header::SET_COOKIE,
        format!("{SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0")
            .parse()
            .map_err(|_| AppError::Internal("cookie".into()))?,
    );
    Ok(response)
}

#[derive(Deserialize)]
struct ModerateForm {
    reason: Option<String>,
}

async fn moderate_form(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    FormData(form): FormData<ModerateForm>,
) -> Result<Response, AppError> {
    let notes = state.notes();
    guard::same_origin(&headers, notes.options.trust_proxy)?;
    notes.admin.check(&headers, true)?;
    let action = match action.as_str() {
        "publish" => Action::Publish,
        "reject" => Action::Reject(reason(form.reason.as_deref(), true)?),
        "delete" => Action::Delete,
        other => {
            return Err(AppError::NotFound(format!(
                "`{other}` is not a moderation action: publish, reject or delete"
            )))
        }
    };
    act(&state, parse_id(&id)?, action, PAGE_ACTOR).await?;
    Ok(see_admin())
}
