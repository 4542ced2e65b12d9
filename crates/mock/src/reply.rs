//! What a scenario answers, before it becomes an HTTP response.

use serde_json::Value;

/// How the request log classifies an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Error,
    Slow,
    StreamError,
    StreamCut,
    Malformed,
    ContentFilter,
    /// A 200 whose answer stopped at the output-token limit (`finish_reason: "length"`).
    Truncated,
    /// A 200 whose content is prose where the caller's parser wants JSON (`json_mode`
    /// without a JSON `response_format`).
    Unstructured,
}

#[derive(Debug, Clone)]
pub enum Body {
    Json(Value),
    /// Raw text with its content type (malformed JSON, plain-text errors).
    Text(&'static str, String),
    /// Server-sent events (or NDJSON), sent a little apart; `cut` closes the connection
    /// after the last chunk instead of ending the stream.
    Stream {
        content_type: &'static str,
        chunks: Vec<String>,
        cut: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub outcome: Outcome,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Json(body),
            outcome: if (200..300).contains(&status) {
                Outcome::Ok
            } else {
                Outcome::Error
            },
        }
    }

    pub fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }

    pub fn sse(chunks: Vec<String>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("cache-control".into(), "no-cache".into())],
            body: Body::Stream {
                content_type: "text/event-stream; charset=utf-8",
                chunks,
                cut: false,
            },
            outcome: Outcome::Ok,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Reply {
        self.outcome = outcome;
        self
    }

    /// Keeps the first `keep` chunks of a stream and closes the connection after them.
    pub fn cut_after(mut self, keep: usize) -> Reply {
        if let Body::Stream { chunks, cut, .. } = &mut self.body {
            chunks.truncate(keep);
            *cut = true;
        }
        self.outcome = Outcome::StreamCut;
        self
    }

    /// `200 OK` with `application/json` and a body that is not JSON: what a proxy or a
    /// truncated answer gives.
    pub fn malformed() -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: Body::Text(
                "application/json",
                "{\"id\": \"msg_errdex\", \"content\": [{\"type\": \"text\", \"text\": \"Hel"
                    .into(),
            ),
            outcome: Outcome::Malformed,
        }
    }
}

/// One server-sent event.
pub fn sse_event(event: Option<&str>, data: &Value) -> String {
    match event {
        Some(name) => format!("event: {name}\ndata: {data}\n\n"),
        None => format!("data: {data}\n\n"),
    }
}
