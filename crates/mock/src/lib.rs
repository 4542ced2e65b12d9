//! `errdex mock`: an HTTP server that answers like the LLM providers' real APIs, so that a
//! program (or an errdex example) can meet every error without a real key or network. The
//! base URL picks provider and scenario — `http://127.0.0.1:PORT/<provider>/<scenario>` —
//! and the program changes nothing else. Statuses, headers and bodies are the providers'
//! own, each cited in `providers/`. Every request is logged (`GET /_errdex/requests`,
//! reset with `DELETE`), which is how `errdex verify` proves that a broken example got the
//! scenario's error and a fixed one a 2xx.
//!
//! This is an edge crate: the only one that speaks HTTP as a provider (axum on tokio).

pub mod keys;
pub mod providers;
pub mod reply;
pub mod scenario;
pub mod state;

pub use providers::Provider;
pub use reply::Outcome;
pub use scenario::Scenario;
pub use state::{LoggedRequest, MockState};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use providers::{Ctx, Route};
use reply::Reply;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

/// The mock's routes: the admin routes under `/_errdex/`, every provider route under
/// `/<provider>/<scenario>/…`.
pub fn app(state: MockState) -> Router {
    Router::new()
        .route("/", get(help))
        .route("/_errdex/requests", get(requests).delete(reset))
        .route("/_errdex/scenarios", get(scenarios))
        .fallback(handle)
        // Above Anthropic's 32 MB limit, so that `ok` can answer the real 413 itself.
        .layer(DefaultBodyLimit::max(40 * 1024 * 1024))
        .with_state(state)
}

/// A running mock: its address and its state (the request log).
pub struct Running {
    pub addr: SocketAddr,
    pub state: MockState,
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://ADDR/<provider>/<scenario>` plus the suffix the provider's SDK expects.
    pub fn base_url(&self, provider: Provider, scenario: &str) -> String {
        format!(
            "http://{}/{}/{scenario}{}",
            self.addr,
            provider.as_str(),
            provider.sdk_base_suffix()
        )
    }
}

/// Binds `addr` (port 0 for any free port) and serves in the background of the current
/// tokio runtime.
pub async fn start(addr: SocketAddr) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = MockState::new();
    let router = app(state.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(Running { addr, state, task })
}

/// Serves until the process ends (`errdex mock`); `ready` is told the bound address.
pub async fn serve(addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, app(MockState::new())).await
}

/// Every provider with the scenarios it answers, for `errdex mock --list`.
pub fn catalogue() -> Vec<(Provider, Vec<(&'static str, &'static str)>)> {
    Provider::ALL
        .iter()
        .map(|&p| {
            let mut list: Vec<(&str, &str)> = scenario::COMMON
                .iter()
                .chain(p.sub_scenarios())
                .copied()
                .filter(|(name, _)| offers(p, name))
                .collect();
            list.push((
                "<scenario>_then_ok[:N]",
                "fails N times (default 2) per client, then answers ok",
            ));
            (p, list)
        })
        .collect()
}

/// Whether `provider` has an answer for `scenario` on its main route.
pub fn offers(provider: Provider, scenario: &str) -> bool {
    let (route, path) = match provider {
        Provider::Anthropic => (Route::Messages, "/v1/messages"),
        Provider::Cohere => (Route::CohereChat, "/v2/chat"),
        Provider::Google => (
            Route::Generate,
            "/v1beta/models/gemini-2.5-flash:generateContent",
        ),
        Provider::Vertex => (
            Route::Generate,
            "/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:generateContent",
        ),
        Provider::Bedrock => (Route::Converse, "/model/m/converse"),
        Provider::Ollama => (Route::OllamaChat, "/api/chat"),
        Provider::AzureOpenai => (Route::Chat, "/openai/deployments/d/chat/completions"),
        _ => (Route::Chat, "/v1/chat/completions"),
    };
    let cx = Ctx {
        provider,
        route,
        method: "POST".into(),
        path: path.into(),
        query: HashMap::from([("api-version".to_string(), "2024-10-21".to_string())]),
        body: json!({"model": "m", "max_tokens": 8, "messages": [], "stream": true}),
        model: String::new(),
        stream: true,
        key: None,
        body_len: 0,
    };
    providers::answer(scenario, &cx).is_some()
}

async fn help() -> &'static str {
    "errdex mock: point your SDK's base URL at http://HOST:PORT/<provider>/<scenario> \
     (for example ANTHROPIC_BASE_URL=http://127.0.0.1:8787/anthropic/rate_limit).\n\
     `errdex mock --list` prints every provider and scenario; GET /_errdex/requests shows \
     what was asked and answered, DELETE /_errdex/requests clears it.\n"
}

async fn requests(State(state): State<MockState>) -> Json<Vec<LoggedRequest>> {
    Json(state.requests())
}

async fn reset(State(state): State<MockState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn scenarios() -> Json<Value> {
    Json(Value::Object(
        catalogue()
            .into_iter()
            .map(|(p, list)| {
                let names: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
                (p.as_str().to_string(), json!(names))
            })
            .collect(),
    ))
}

/// An answer of the mock itself (not of a provider): what to change in the URL.
fn mock_error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({"errdex_mock_error": message}))).into_response()
}

async fn handle(
    State(state): State<MockState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = uri.path();
    let mut parts = full.trim_start_matches('/').splitn(3, '/');
    let (Some(p), Some(s)) = (parts.next(), parts.next()) else {
        return mock_error(StatusCode::NOT_FOUND, format!("`{full}`: the base URL must be http://HOST:PORT/<provider>/<scenario>; see `errdex mock --list`"));
    };
    let rest = format!("/{}", parts.next().unwrap_or(""));
    let Some(provider) = Provider::parse(p) else {
        let known: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        return mock_error(
            StatusCode::NOT_FOUND,
            format!("unknown provider `{p}`: use one of {}", known.join(", ")),
        );
    };
    let scenario = match Scenario::parse(s) {
        Ok(s) => s,
        Err(e) => {
            return mock_error(
                StatusCode::NOT_FOUND,
                format!("{e}; see `errdex mock --list`"),
            )
        }
    };
    let query: HashMap<String, String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (route, path_model, path_stream) = providers::route(provider, method.as_str(), &rest);
    let key = providers::credential(provider, &headers, &query);
    let model = path_model.unwrap_or_else(|| providers::body_model(&json_body, ""));
    let stream = path_stream
        || json_body
            .get("stream")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        || (provider == Provider::Ollama
            && matches!(route, Route::OllamaChat | Route::OllamaGenerate)
            && json_body.get("stream").and_then(Value::as_bool) != Some(false));
    let cx = Ctx {
        provider,
        route,
        method: method.to_string(),
        path: rest,
        query,
        body: json_body,
        model,
        stream,
        key,
        body_len: body.len(),
    };
    let client = state::fingerprint(cx.key.as_deref());

    // `*_then_ok`: the first N requests of this client get the error, later ones `ok`.
    let answered = match scenario.fail_times {
        Some(n) if state.count(p, &scenario.segment, &client) > n => "ok".to_string(),
        _ => scenario.name.clone(),
    };
    let success_like = matches!(
        answered.as_str(),
        "ok" | "slow"
            | "stream_error"
            | "stream_cut"
            | "stream_truncated"
            | "malformed"
            | "content_filter"
    );
    let reply = if success_like && cx.route != Route::Unknown {
        // Keys are judged as the real API judges them, before anything else.
        match keys::judge(provider, cx.key.as_deref()) {
            keys::Verdict::Valid => providers::answer(&answered, &cx),
            keys::Verdict::Missing => Some(providers::refuse_key(&cx, true)),
            _ => Some(providers::refuse_key(&cx, false)),
        }
    } else {
        providers::answer(&answered, &cx)
    };
    let Some(mut reply) = reply else {
        return mock_error(
            StatusCode::NOT_FOUND,
            format!(
                "provider `{p}` has no `{answered}` scenario on {} {}; see `errdex mock --list`",
                cx.method, cx.path
            ),
        );
    };
    let slow = answered == "slow" && reply.outcome == Outcome::Ok;
    if slow {
        reply.outcome = Outcome::Slow;
    }
    let streamed = matches!(reply.body, reply::Body::Stream { .. });
    let seq = state.record(LoggedRequest {
        seq: 0,
        method: cx.method.clone(),
        path: uri
            .path_and_query()
            .map_or(full.to_string(), |pq| pq.to_string()),
        provider: p.to_string(),
        scenario: scenario.segment.clone(),
        answered: answered.clone(),
        status: reply.status,
        outcome: reply.outcome,
        completed: false,
        client,
        stream: streamed,
    });
    if slow {
        // Dropped with the connection when the client gives up: `completed` stays false.
        tokio::time::sleep(Duration::from_secs(scenario.delay_secs.unwrap_or(3))).await;
    }
    into_response(reply, &state, seq)
}

fn into_response(reply: Reply, state: &MockState, seq: u64) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match reply.body {
        reply::Body::Json(value) => {
            state.complete(seq);
            let bytes = serde_json::to_vec(&value).unwrap_or_default();
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            r
        }
        reply::Body::Text(content_type, text) => {
            state.complete(seq);
            let mut r = Response::new(Body::from(text));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static(content_type));
            r
        }
        reply::Body::Stream {
            content_type,
            chunks,
            cut,
        } => {
            let state = state.clone();
            let items = chunks
                .into_iter()
                .map(Some)
                .chain(std::iter::once(None))
                .peekable();
            let stream = futures_util::stream::unfold((items, false), move |(mut items, ended)| {
                let state = state.clone();
                async move {
                    if ended {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    match items.next() {
                        Some(Some(chunk)) => {
                            // The whole body is handed over with the last chunk: clients that
                            // stop reading at their end marker (OpenAI's `data: [DONE]`) close
                            // the connection before the stream is polled again.
                            if !cut && matches!(items.peek(), Some(None) | None) {
                                state.complete(seq);
                            }
                            Some((Ok(Bytes::from(chunk)), (items, false)))
                        }
                        _ if cut => {
                            // An error in the body aborts the connection mid-stream.
                            let e = std::io::Error::new(
                                std::io::ErrorKind::ConnectionReset,
                                "errdex mock: stream_cut",
                            );
                            Some((Err(e), (items, true)))
                        }
                        _ => {
                            state.complete(seq);
                            None
                        }
                    }
                }
            });
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static(content_type));
            r
        }
    };
    *response.status_mut() = status;
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}
