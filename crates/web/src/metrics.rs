//! Prometheus metrics, kept by hand (a mutex over a small map): requests by route and
//! status, a latency histogram by route, and diagnosis outcomes. Routes are the matched
//! route templates, never raw paths, so the label set stays bounded.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
    diagnoses_matched: AtomicU64,
    diagnoses_unmatched: AtomicU64,
}

#[derive(Debug, Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The route template a response came from, set by [`route_label`].
#[derive(Debug, Clone)]
pub struct RouteLabel(pub MatchedPath);

impl Metrics {
    pub fn record(&self, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = match routes.get_mut(route) {
            Some(s) => s,
            None => routes.entry(route.to_string()).or_default(),
        };
        *stats.by_status.entry(status).or_default() += 1;
        for (bucket, bound) in stats.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        stats.count += 1;
        stats.sum += seconds;
    }

    pub fn diagnosed(&self, matched: bool) {
        let counter = if matched {
            &self.diagnoses_matched
        } else {
            &self.diagnoses_unmatched
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition format, version 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP errdex_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE errdex_http_requests_total counter\n");
        for (route, stats) in routes.iter() {
            for (status, n) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "errdex_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP errdex_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE errdex_http_request_duration_seconds histogram\n");
        for (route, stats) in routes.iter() {
            for (n, bound) in stats.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "errdex_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "errdex_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 errdex_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 errdex_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                stats.count, stats.sum, stats.count
            );
        }
        drop(routes);
        out.push_str("# HELP errdex_diagnoses_total Texts diagnosed, by outcome.\n");
        out.push_str("# TYPE errdex_diagnoses_total counter\n");
        let _ = writeln!(
            out,
            "errdex_diagnoses_total{{outcome=\"matched\"}} {}\nerrdex_diagnoses_total{{outcome=\"no_match\"}} {}",
            self.diagnoses_matched.load(Ordering::Relaxed),
            self.diagnoses_unmatched.load(Ordering::Relaxed)
        );
        out
    }
}

/// Route layer: remembers which route template answered, for [`track`].
pub async fn route_label(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(m) = matched {
        response.extensions_mut().insert(RouteLabel(m));
    }
    response
}

/// Outer layer: counts every response, including 404s and errors made by the framework.
pub async fn track(State(state): State<crate::AppState>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map(|r| r.0.as_str())
        .unwrap_or("unmatched");
    state.metrics().record(
        route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("/healthz", 200, 0.0001);
        m.record("/healthz", 200, 0.2);
        m.record("/healthz", 404, 0.002);
        m.diagnosed(true);
        let text = m.render();
        assert!(
            text.contains("errdex_http_requests_total{route=\"/healthz\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(text.contains(
            "errdex_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1"
        ));
        assert!(text.contains(
            "errdex_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 3"
        ));
        assert!(text.contains("errdex_diagnoses_total{outcome=\"matched\"} 1"));
    }
}
