//! The real Python SDKs against errdex mock: for each SDK and scenario, the exception the
//! SDK raises is the one documented for that status (shared/reference/sdk-facts.md §1),
//! so that the mock is proven to answer like the real APIs. Needs the SDK virtualenvs
//! (`errdex verify --prepare`); without them each SDK prints "skipped: <reason>" and
//! passes, unless ERRDEX_REQUIRE_SDKS=1 (CI), where a missing SDK fails.

use errdex_mock::keys::mock_key;
use errdex_mock::Provider;
use errdex_verify::envs::{default_cache, Envs};
use errdex_verify::lock::Lock;
use std::path::Path;
use std::process::Command;

/// (driver name, PyPI package, provider of the key, [(scenario, class raised or "-")])
type Case = (
    &'static str,
    &'static str,
    Provider,
    &'static [(&'static str, &'static str)],
);

const STAINLESS_COMMON: &[(&str, &str)] = &[
    ("ok", "-"),
    ("invalid_key", "AuthenticationError"),
    ("permission", "PermissionDeniedError"),
    ("model_not_found", "NotFoundError"),
    ("bad_request", "BadRequestError"),
    ("context_length", "BadRequestError"),
    ("rate_limit", "RateLimitError"),
    ("overloaded", "InternalServerError"),
    ("server_error", "InternalServerError"),
    ("slow", "APITimeoutError"),
    ("stream_cut", "APIConnectionError"),
    ("malformed", "json.decoder.JSONDecodeError"),
    ("content_filter", "-"),
    // max_retries=0: the stateful scenario still fails on the first request.
    ("rate_limit_then_ok", "RateLimitError"),
];

const CASES: &[Case] = &[
    (
        "anthropic",
        "anthropic",
        Provider::Anthropic,
        &[
            ("ok", "-"),
            ("invalid_key", "anthropic.AuthenticationError"),
            ("permission", "anthropic.PermissionDeniedError"),
            ("model_not_found", "anthropic.NotFoundError"),
            ("bad_request", "anthropic.BadRequestError"),
            ("context_length", "anthropic.BadRequestError"),
            ("too_large", "anthropic.ContentTooLargeError"),
            ("rate_limit", "anthropic.RateLimitError"),
            ("quota", "anthropic.BadRequestError"),
            ("spend_limit", "anthropic.EnforcedSpendLimitReachedError"),
            ("roles_must_alternate", "anthropic.BadRequestError"),
            ("tool_use_without_result", "anthropic.BadRequestError"),
            ("overloaded", "anthropic.OverloadedError"),
            ("server_error", "anthropic.InternalServerError"),
            ("slow", "anthropic.APITimeoutError"),
            ("malformed", "json.decoder.JSONDecodeError"),
            ("content_filter", "-"),
            ("rate_limit_then_ok", "anthropic.RateLimitError"),
        ],
    ),
    (
        "anthropic-stream",
        "anthropic",
        Provider::Anthropic,
        &[
            ("ok", "-"),
            // An error event inside a 200 stream.
            ("stream_error", "anthropic.APIStatusError"),
            ("stream_cut", "httpx2.RemoteProtocolError"),
        ],
    ),
    (
        "openai",
        "openai",
        Provider::Openai,
        &[("quota", "openai.RateLimitError")],
    ),
    (
        "openai-stream",
        "openai",
        Provider::Openai,
        &[("ok", "-"), ("stream_error", "openai.APIError")],
    ),
    (
        "groq",
        "groq",
        Provider::Groq,
        &[
            ("too_large", "groq.APIStatusError"),
            ("unprocessable", "groq.UnprocessableEntityError"),
            ("quota", "groq.RateLimitError"),
        ],
    ),
    (
        "fireworks",
        "fireworks-ai",
        Provider::Fireworks,
        &[
            ("too_large", "fireworks.APIStatusError"),
            ("quota", "fireworks.APIStatusError"),
        ],
    ),
    (
        "together",
        "together",
        Provider::Together,
        &[("quota", "together.APIStatusError")],
    ),
    (
        "mistralai",
        "mistralai",
        Provider::Mistral,
        &[
            ("ok", "-"),
            ("invalid_key", "mistralai.client.errors.sdkerror.SDKError"),
            ("rate_limit", "mistralai.client.errors.sdkerror.SDKError"),
            (
                "unprocessable",
                "mistralai.client.errors.httpvalidationerror.HTTPValidationError",
            ),
            ("overloaded", "mistralai.client.errors.sdkerror.SDKError"),
            ("slow", "httpx2.ReadTimeout"),
        ],
    ),
    (
        "cohere",
        "cohere",
        Provider::Cohere,
        &[
            ("ok", "-"),
            (
                "invalid_key",
                "cohere.errors.unauthorized_error.UnauthorizedError",
            ),
            ("permission", "cohere.errors.forbidden_error.ForbiddenError"),
            (
                "model_not_found",
                "cohere.errors.not_found_error.NotFoundError",
            ),
            (
                "context_length",
                "cohere.errors.bad_request_error.BadRequestError",
            ),
            (
                "unprocessable",
                "cohere.errors.unprocessable_entity_error.UnprocessableEntityError",
            ),
            (
                "rate_limit",
                "cohere.errors.too_many_requests_error.TooManyRequestsError",
            ),
            ("quota", "cohere.core.api_error.ApiError"),
            (
                "overloaded",
                "cohere.errors.service_unavailable_error.ServiceUnavailableError",
            ),
            (
                "server_error",
                "cohere.errors.internal_server_error.InternalServerError",
            ),
            ("slow", "httpx.ReadTimeout"),
        ],
    ),
    (
        "google-genai",
        "google-genai",
        Provider::Google,
        &[
            ("ok", "-"),
            // Gemini answers a bad key with 400 INVALID_ARGUMENT.
            ("invalid_key", "google.genai.errors.ClientError"),
            ("model_not_found", "google.genai.errors.ClientError"),
            ("rate_limit", "google.genai.errors.ClientError"),
            ("quota", "google.genai.errors.ClientError"),
            ("overloaded", "google.genai.errors.ServerError"),
            ("server_error", "google.genai.errors.ServerError"),
            ("slow", "httpx2.ReadTimeout"),
            ("content_filter", "-"),
        ],
    ),
];

/// The expected class, with the Stainless SDKs' common rows in the SDK's own module.
fn expectations(case: &Case) -> Vec<(String, String)> {
    let (driver, _, _, own) = case;
    let module = match *driver {
        "openai" | "groq" | "fireworks" | "together" => Some(driver.to_string()),
        _ => None,
    };
    let mut rows: Vec<(String, String)> = Vec::new();
    if let Some(m) = &module {
        for (s, class) in STAINLESS_COMMON {
            let class = if class.contains('.') || *class == "-" {
                class.to_string()
            } else {
                format!("{m}.{class}")
            };
            rows.push((s.to_string(), class));
        }
    }
    for (s, class) in own.iter() {
        rows.retain(|(r, _)| r != s);
        rows.push((s.to_string(), class.to_string()));
    }
    rows
}

#[test]
fn the_real_python_sdks_raise_the_documented_exception_for_each_scenario() {
    let require = std::env::var("ERRDEX_REQUIRE_SDKS").is_ok_and(|v| v == "1");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lock = Lock::load(&root.join("verification/sdks.lock")).expect("the lock file parses");
    let envs = Envs::new(default_cache());
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk_driver.py");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime
        .block_on(errdex_mock::start(([127, 0, 0, 1], 0).into()))
        .unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in CASES {
        let (name, package, provider, _) = case;
        let Some(version) = lock.python.get(*package) else {
            failures.push(format!("{package} is not in verification/sdks.lock"));
            continue;
        };
        let dir = envs.python_dir(package, version);
        if !dir.join(".errdex-ready").exists() {
            let reason = format!(
                "{package}=={version} is not installed in {} (run `errdex verify --prepare`)",
                dir.display()
            );
            if require {
                failures.push(format!("ERRDEX_REQUIRE_SDKS=1 but {reason}"));
            } else {
                println!("skipped: {name}: {reason}");
            }
            continue;
        }
        let rows = expectations(case);
        let out = Command::new(dir.join("bin/python"))
            .arg(&driver)
            .arg(name)
            .arg(format!("http://{}", mock.addr))
            .args(rows.iter().map(|(s, _)| s))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env("ERRDEX_KEY", mock_key(*provider))
            .output()
            .expect("python runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got: Vec<serde_json::Value> = stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if got.len() != rows.len() {
            failures.push(format!(
                "{name}: the driver stopped early:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        for ((scenario, want), line) in rows.iter().zip(&got) {
            let raised = line["raised"].as_str().unwrap_or("-");
            if raised != want {
                failures.push(format!(
                    "{name} {scenario}: expected {want}, the SDK raised {raised}"
                ));
            }
        }
        ran += 1;
        println!("{name} {version}: {} scenarios as documented", rows.len());
    }
    mock.task.abort();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if ran == 0 {
        println!("skipped: no SDK virtualenv found; `errdex verify --prepare` installs them");
    }
}
