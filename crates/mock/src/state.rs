//! The mock's memory: the request log (what verify and tests read back) and the counters
//! of the stateful `*_then_ok` scenarios. Both are reset together.

use crate::reply::Outcome;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One request as the mock saw and answered it. Keys are never logged: `client` is a
/// short fingerprint of the credential.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LoggedRequest {
    pub seq: u64,
    pub method: String,
    /// The full path and query, `/anthropic/rate_limit/v1/messages`.
    pub path: String,
    pub provider: String,
    /// The scenario segment of the URL.
    pub scenario: String,
    /// The scenario that answered (for `*_then_ok`, the error or `ok`).
    pub answered: String,
    pub status: u16,
    pub outcome: Outcome,
    /// The whole answer was handed over: a delayed answer that the client gave up on, or
    /// a stream that was cut, stays `false`.
    pub completed: bool,
    pub client: String,
    pub stream: bool,
}

impl LoggedRequest {
    /// A complete 2xx answer with a usable body.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
            && self.completed
            && matches!(self.outcome, Outcome::Ok | Outcome::Slow)
    }
}

#[derive(Debug, Clone, Default)]
pub struct MockState {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    seq: AtomicU64,
    log: Mutex<Vec<LoggedRequest>>,
    counters: Mutex<HashMap<(String, String, String), u32>>,
}

impl MockState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every request since the last reset, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.inner.log.lock().expect("log lock").clone()
    }

    /// Clears the log and every `*_then_ok` counter.
    pub fn reset(&self) {
        self.inner.log.lock().expect("log lock").clear();
        self.inner.counters.lock().expect("counter lock").clear();
    }

    /// How many requests this client already made to this stateful scenario, counting
    /// the current one.
    pub(crate) fn count(&self, provider: &str, scenario: &str, client: &str) -> u32 {
        let mut counters = self.inner.counters.lock().expect("counter lock");
        let n = counters
            .entry((provider.into(), scenario.into(), client.into()))
            .or_insert(0);
        *n += 1;
        *n
    }

    pub(crate) fn record(&self, mut request: LoggedRequest) -> u64 {
        let seq = self.inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
        request.seq = seq;
        self.inner.log.lock().expect("log lock").push(request);
        seq
    }

    pub(crate) fn complete(&self, seq: u64) {
        if let Some(r) = self
            .inner
            .log
            .lock()
            .expect("log lock")
            .iter_mut()
            .find(|r| r.seq == seq)
        {
            r.completed = true;
        }
    }
}

/// FNV-1a, to name a client by its credential without keeping the credential.
pub(crate) fn fingerprint(key: Option<&str>) -> String {
    let Some(key) = key else {
        return "anonymous".into();
    };
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("key-{:08x}", hash >> 32)
}
