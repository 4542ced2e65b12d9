//! One error type for every route. On API routes it is `{"error": {"code", "message"}}`
//! with the matching status; on HTML routes the same error becomes a friendly page. Handlers
//! return `AppError`; [`render_errors`] turns it (and any bare error status produced by the
//! framework: 405, 413, 408) into the right body for the route.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidJson(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    /// No or a wrong admin token.
    #[error("{0}")]
    Unauthorized(String),
    /// A form posted from another site (CSRF), or a trap field filled.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Over a rate limit; `retry_after` seconds until the next request is allowed.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error("send the body as {0}")]
    UnsupportedMediaType(&'static str),
    #[error("the request body is larger than the limit of 1 MB")]
    PayloadTooLarge,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("the request took too long")]
    Timeout,
    #[error("{0}")]
    Unavailable(String),
    /// The detail is logged, never shown.
    #[error("something went wrong on our side")]
    Internal(String),
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `not_found`, `invalid_json`, `bad_request`,
    /// `unprocessable`, `unauthorized`, `forbidden`, `conflict`, `too_many_requests`,
    /// `unsupported_media_type`, `payload_too_large`, `method_not_allowed`, `timeout`,
    /// `unavailable`, `internal`.
    pub code: String,
    /// For people: what was wrong and what to do.
    pub message: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::InvalidJson(_) | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::InvalidJson(_) => "invalid_json",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Timeout => "timeout",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The error for a bare status the framework produced.
    fn from_status(status: StatusCode) -> AppError {
        match status {
            StatusCode::NOT_FOUND => AppError::NotFound("there is nothing at this address".into()),
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => AppError::Timeout,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                AppError::UnsupportedMediaType("application/json")
            }
            StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable("try again shortly".into()),
            s if s.is_client_error() => {
                AppError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
            }
            s => AppError::Internal(format!("status {s}")),
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.to_string(),
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        match &self {
            AppError::TooManyRequests { retry_after, .. } => {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(*retry_after),
                );
            }
            AppError::Unauthorized(_) => {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer realm=\"errdex admin\""),
                );
            }
            _ => {}
        }
        // Kept so that `render_errors` can show the same error as a page on HTML routes.
        response.extensions_mut().insert(self);
        response
    }
}

/// Routes whose errors are JSON; everything else is a page for people.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || matches!(
            path,
            "/openapi.json" | "/healthz" | "/readyz" | "/metrics" | "/llms.txt" | "/sitemap.xml"
        )
}

/// Gives every error response the body its route promises: JSON on API routes, a page on
/// HTML routes, also for statuses produced outside handlers (405, 413, 408).
pub async fn render_errors(request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = response.extensions().get::<AppError>().cloned();
    if api && error.is_some() {
        return response;
    }
    let error = error.unwrap_or_else(|| AppError::from_status(status));
    let (parts, _) = response.into_parts();
    let mut fresh = if api {
        error.clone().into_response()
    } else {
        let mut r = Html(crate::pages::error_page(&error)).into_response();
        r.extensions_mut().insert(error.clone());
        r
    };
    *fresh.status_mut() = status;
    // Keep what the layers inside put there (the route label for metrics, for one).
    let mut extensions = parts.extensions;
    extensions.extend(std::mem::take(fresh.extensions_mut()));
    *fresh.extensions_mut() = extensions;
    // Keep what the framework said beside the status (`Allow` on 405, for one).
    for (name, value) in parts.headers.iter() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            fresh.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    fresh
}

/// What a failed database call tells the client: 503 when the database is down or cannot
/// be written (try again later; nothing was changed), 422 for a value the store refuses,
/// 500 (detail logged, not shown) for anything else.
impl From<errdex_store::StoreError> for AppError {
    fn from(e: errdex_store::StoreError) -> Self {
        use errdex_store::{Outage, StoreError};
        match (e.outage(), e) {
            (Some(outage), e) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable(
                    match outage {
                        Outage::Unreachable => "the database does not answer; try again shortly",
                        Outage::ReadOnly => {
                            "the database cannot be written (it is read-only); nothing was changed"
                        }
                        Outage::Full => {
                            "the database cannot be written (it is full); nothing was changed"
                        }
                    }
                    .into(),
                )
            }
            (None, StoreError::Invalid(m)) => AppError::Unprocessable(m),
            (None, e) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                AppError::UnsupportedMediaType("JSON with `Content-Type: application/json`")
            }
            JsonRejection::JsonSyntaxError(e) => {
                AppError::InvalidJson(format!("the body is not valid JSON: {}", e.body_text()))
            }
            JsonRejection::JsonDataError(e) => AppError::Unprocessable(e.body_text()),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge
            }
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        match rejection {
            FormRejection::InvalidFormContentType(_) => {
                AppError::UnsupportedMediaType("a form (`application/x-www-form-urlencoded`)")
            }
            FormRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge
            }
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound("there is nothing at this address".into())
    }
}

/// `Json` whose rejections are [`AppError`]s.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// `Form` whose rejections are [`AppError`]s.
pub struct FormData<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormData<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let axum::Form(value) = axum::Form::<T>::from_request(req, state).await?;
        Ok(FormData(value))
    }
}

/// `Query` whose rejections are [`AppError`]s.
pub struct QueryArgs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryArgs<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(QueryArgs(value))
    }
}
