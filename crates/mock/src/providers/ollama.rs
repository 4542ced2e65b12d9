//! Ollama's native API (`/api/chat`, `/api/generate`, `/api/tags`) and its
//! OpenAI-compatible `/v1` routes. Native errors are `{"error": "<text>"}`; streams are
//! NDJSON and on by default. https://github.com/ollama/ollama/blob/main/docs/api.md ,
//! https://github.com/ollama/ollama/blob/main/docs/faq.md (503 when the queue is full).

use super::{openai, Ctx, Route};
use crate::reply::{Body, Outcome, Reply};
use serde_json::{json, Value};

pub const SUB_SCENARIOS: &[(&str, &str)] = &[
    (
        "out_of_memory",
        "500: model requires more system memory than is available",
    ),
    (
        "tools_unsupported",
        "400: the model's template does not support tools",
    ),
    (
        "manifest_not_found",
        "500 on /api/pull: no such model in the registry",
    ),
];

/// The name Ollama reports a model by in its tool-support error: the full registry path
/// with the tag, e.g. `registry.ollama.ai/library/dolphin-mistral:latest`
/// (https://github.com/ollama/ollama/issues/14795 , https://github.com/rayketcham-lab/vox/issues/89).
pub fn registry_name(model: &str) -> String {
    let tagged = if model.contains(':') {
        model.to_string()
    } else {
        format!("{model}:latest")
    };
    if tagged.contains('/') {
        tagged
    } else {
        format!("registry.ollama.ai/library/{tagged}")
    }
}

pub fn route(method: &str, path: &str) -> Route {
    match (method, path) {
        ("POST", "/api/chat") => Route::OllamaChat,
        ("POST", "/api/generate") => Route::OllamaGenerate,
        ("POST", "/api/pull") => Route::OllamaPull,
        ("GET", "/api/tags") => Route::Models,
        _ if path.starts_with("/v1/") => openai::route(super::Provider::Ollama, method, path),
        _ => Route::Unknown,
    }
}

fn err(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"error": message}))
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    if cx.path.starts_with("/v1/") {
        return openai::answer(scenario, cx);
    }
    if cx.route == Route::Unknown {
        return Some(Reply {
            body: Body::Text("text/plain", "404 page not found".into()),
            ..err(404, "")
        });
    }
    let model = if cx.model.is_empty() {
        "llama3.2"
    } else {
        &cx.model
    };
    Some(match scenario {
        "ok" | "slow" => success(cx, model),
        "model_not_found" => err(404, &format!("model \"{model}\" not found, try pulling it first")),
        "bad_request" => err(400, "json: cannot unmarshal string into Go struct field ChatRequest.messages of type []api.Message"),
        "overloaded" => err(503, "server busy, please try again.  maximum pending requests exceeded"),
        "server_error" => err(500, "llama runner process has terminated: exit status 2"),
        // The scheduler refuses to load a model that does not fit in free RAM, e.g.
        // https://github.com/continuedev/continue/issues/11478 (500, quoted text).
        "out_of_memory" => err(500, "model requires more system memory (5.3 GiB) than is available (3.5 GiB)"),
        // https://github.com/rayketcham-lab/vox/issues/89 (ollama-python ResponseError, 400).
        "tools_unsupported" => err(400, &format!("{} does not support tools", registry_name(model))),
        // Pulling a name the registry does not have: https://github.com/ollama/ollama/issues/5499
        // (maintainer: the same error for any incorrect name), status 500 through ollama-python in
        // https://github.com/aidatatools/ollama-benchmark/issues/40 .
        "manifest_not_found" if cx.route == Route::OllamaPull => err(500, "pull model manifest: file does not exist"),
        "malformed" => Reply::malformed(),
        "stream_cut" if streaming(cx) => ndjson(lines(cx, model)).cut_after(1),
        "stream_error" if streaming(cx) => {
            let mut l = lines(cx, model);
            l.truncate(1);
            l.push(format!("{}\n", json!({"error": "an error was encountered while running the model: unexpected EOF"})));
            ndjson(l).outcome(Outcome::StreamError)
        }
        _ => return None,
    })
}

/// Ollama streams unless the body says `"stream": false`.
fn streaming(cx: &Ctx) -> bool {
    cx.body
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

fn done(cx: &Ctx, model: &str, text: &str, done: bool) -> Value {
    let mut v = json!({"model": model, "created_at": "2026-11-24T12:00:00.000000Z", "done": done});
    if cx.route == Route::OllamaChat {
        v["message"] = json!({"role": "assistant", "content": text});
    } else {
        v["response"] = json!(text);
    }
    if done {
        for (k, n) in [
            ("total_duration", 120_000_000u64),
            ("load_duration", 1_000_000),
            ("prompt_eval_count", 8),
            ("prompt_eval_duration", 10_000_000),
            ("eval_count", 6),
            ("eval_duration", 100_000_000),
        ] {
            v[k] = json!(n);
        }
        v["done_reason"] = json!("stop");
    }
    v
}

fn lines(cx: &Ctx, model: &str) -> Vec<String> {
    vec![
        format!("{}\n", done(cx, model, "Hello from ", false)),
        format!("{}\n", done(cx, model, "errdex mock.", false)),
        format!("{}\n", done(cx, model, "", true)),
    ]
}

fn ndjson(lines: Vec<String>) -> Reply {
    Reply {
        body: Body::Stream {
            content_type: "application/x-ndjson",
            chunks: lines,
            cut: false,
        },
        ..Reply::ok(Value::Null)
    }
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match cx.route {
        Route::Models => Reply::ok(json!({"models": [{
            "name": "llama3.2:latest", "model": "llama3.2:latest", "modified_at": "2026-11-01T12:00:00Z",
            "size": 2019393189u64, "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details": {"parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"], "parameter_size": "3.2B", "quantization_level": "Q4_K_M"}}]})),
        // A finished pull without streaming: {"status": "success"} (docs/api.md, Pull a Model).
        Route::OllamaPull => Reply::ok(json!({"status": "success"})),
        Route::OllamaChat | Route::OllamaGenerate if streaming(cx) => ndjson(lines(cx, model)),
        _ => Reply::ok(done(cx, model, "Hello from errdex mock.", true)),
    }
}
