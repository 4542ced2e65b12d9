//! `errdex serve`: the web site and the JSON API over the embedded knowledge base, with
//! axum on tokio. [`app`] builds the whole router from an [`AppState`] so that every route
//! is tested with `oneshot`, without a socket; [`serve`] opens the store, binds, and runs
//! it until SIGTERM or SIGINT, letting requests in flight finish.
//!
//! Modules by route group: `pages` (HTML for people), `api` (JSON under `/api/v1` and the
//! OpenAPI document), `notes` (community notes for readers: the fragment on entry pages,
//! the forms, the notes API), `admin` (moderation page and API), `ops` (health, metrics,
//! llms.txt, sitemap, static assets); `guard` holds what protects the notes (client
//! address, CSRF by origin, rate limits, the admin token). Pages that only change with
//! the binary are rendered on first request and kept compressed (`cache`); an entry
//! page is its static part joined with its notes fragment, cached until the notes change.
//! Pasted text sent for diagnosis is never logged or stored, nor is a refused note.

mod admin;
mod api;
mod cache;
mod diagnosis;
mod error;
mod guard;
mod markdown;
mod metrics;
mod notes;
mod ops;
mod pages;

pub use api::ApiDoc;
pub use errdex_store::StoreConfig;
pub use error::AppError;
pub use guard::NotesOptions;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request};
use axum::{middleware, Router};
use errdex_diagnose::Diagnoser;
use errdex_entry::{Index, Kind, Provider};
use errdex_search::Searcher;
use errdex_store::{Store, StoreError};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// A request that takes longer is answered 408 (by default; `--request-timeout`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that has not sent a whole request head by then is closed, idle
/// keep-alive connections included (by default; `--header-timeout`).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// What bounds a slow client.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From when the server waits for a request head (the connection opened, or the last
    /// answer sent) until the head is in; then the connection is closed: headers sent a
    /// byte at a time (slowloris), nothing sent, an idle keep-alive connection.
    pub header: Duration,
    /// From the head until the answer, reading the body included: a body trickled in, or
    /// a handler stuck, is answered 408.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: HEADER_TIMEOUT,
            request: REQUEST_TIMEOUT,
        }
    }
}

/// Everything a handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    index: &'static Index,
    store: Option<Store>,
    searcher: OnceLock<Result<Searcher, String>>,
    diagnoser: OnceLock<Diagnoser>,
    pages: pages::Pages,
    metrics: metrics::Metrics,
    notes: notes::Notes,
}

impl AppState {
    /// No work happens here: search index and pages are built on first use.
    pub fn new(index: &'static Index, store: Option<Store>) -> Self {
        AppState::with_notes(index, store, NotesOptions::default())
    }

    /// With the notes' protections (admin token, proxy, rate limits) as given.
    pub fn with_notes(index: &'static Index, store: Option<Store>, notes: NotesOptions) -> Self {
        AppState(Arc::new(Inner {
            index,
            store,
            searcher: OnceLock::new(),
            diagnoser: OnceLock::new(),
            pages: pages::Pages::new(index.entries.len(), Provider::ALL.len(), Kind::ALL.len()),
            metrics: metrics::Metrics::default(),
            notes: notes::Notes::new(notes),
        }))
    }

    fn notes(&self) -> &notes::Notes {
        &self.0.notes
    }

    pub fn index(&self) -> &'static Index {
        self.0.index
    }

    pub fn store(&self) -> Option<&Store> {
        self.0.store.as_ref()
    }

    fn searcher(&self) -> Result<&Searcher, AppError> {
        self.0
            .searcher
            .get_or_init(|| Searcher::new(&self.0.index.entries).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| AppError::Internal(e.clone()))
    }

    /// Built on first use, so that start-up stays instant.
    fn diagnoser(&self) -> &Diagnoser {
        self.0
            .diagnoser
            .get_or_init(|| Diagnoser::new(self.0.index))
    }

    fn api_entry(&self, n: usize) -> &cache::Slot {
        self.0.pages.api_entries.get(n)
    }

    fn pages(&self) -> &pages::Pages {
        &self.0.pages
    }

    fn metrics(&self) -> &metrics::Metrics {
        &self.0.metrics
    }
}

/// 301 to where an entry moved. (axum's `Redirect::permanent` is a 308; links to retired
/// ids are followed by browsers and crawlers, for whom 301 is the usual word.)
fn moved(to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::MOVED_PERMANENTLY,
        [(axum::http::header::LOCATION, to.to_string())],
    )
        .into_response()
}

/// The whole site and API, with the default request timeout.
pub fn app(state: AppState) -> Router {
    app_with(state, Timeouts::default())
}

/// The whole site and API; requests that take longer than `timeouts.request` are 408.
pub fn app_with(state: AppState, timeouts: Timeouts) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(notes::routes())
        .merge(admin::routes())
        .merge(ops::routes())
        .route_layer(middleware::from_fn(metrics::route_label))
        .fallback(|| async { AppError::NotFound("there is nothing at this address".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(middleware::from_fn(error::render_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            // The span names the request id, method and path; never the body or the query
            // (pasted text and search words stay out of logs).
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        id,
                        method = %request.method(),
                        path = request.uri().path()
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .with_state(state)
}

/// Request ids: this process's start time and a counter, unique enough to follow one
/// request through the logs (a request id sent by a proxy is kept).
#[derive(Clone, Default)]
struct RequestIds(Arc<AtomicU64>);

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        static PREFIX: OnceLock<String> = OnceLock::new();
        let prefix = PREFIX.get_or_init(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis();
            format!("{:x}", t & 0xffff_ffff)
        });
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{prefix}-{n}"))
            .ok()
            .map(RequestId::new)
    }
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub store: StoreConfig,
    pub notes: NotesOptions,
    pub timeouts: Timeouts,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}; is another server using the port? Try --addr 127.0.0.1:0")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Logs to stderr, `RUST_LOG` style filter (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens the store, listens, prints `listening on http://ADDR` on stdout and serves until
/// SIGTERM or SIGINT; requests in flight are finished before it returns.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let store = Store::open(&config.store).await?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = store.describe(), "listening");
    println!("errdex serve: listening on http://{addr}");
    if config.notes.admin_token.is_none() {
        tracing::warn!("ERRDEX_ADMIN_TOKEN is not set: notes are accepted but stay pending until moderation is turned on");
    }
    let state = AppState::with_notes(errdex_kb::index(), Some(store.clone()), config.notes);
    accept(listener, app_with(state, config.timeouts), config.timeouts).await;
    tracing::info!("stopped");
    store.close().await;
    Ok(())
}

/// Serves connections until SIGTERM or SIGINT, then lets the requests in flight finish.
/// This is `axum::serve` with a header-read timeout, which axum::serve does not offer:
/// hyper's HTTP/1 connection with a timer, one task per connection, hyper-util's
/// graceful shutdown (the pattern of axum's `serve-with-hyper` example).
async fn accept(listener: tokio::net::TcpListener, router: Router, timeouts: Timeouts) {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, for one: wait rather than spin (as axum does).
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // The client's address (rate limits, one confirmation a day) comes from the socket.
        let service =
            router
                .clone()
                .map_request(move |mut request: Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    request
                });
        let connection = http.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // A client gone or cut off by the header timeout: nothing to answer.
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// [`serve`] on a multi-threaded tokio runtime (one worker per core, or
/// `TOKIO_WORKER_THREADS`), for the binary, which has no runtime of its own.
pub fn run(config: Config) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(config))
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
