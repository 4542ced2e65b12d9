//! Inputs for `bench/scan.sh`.
//!
//! ```text
//! synth_log log PATH MIB      # a synthetic application log of MIB mebibytes
//! synth_log literals          # every signature literal of the knowledge base, one a line
//! ```
//!
//! The log is realistic noise — access lines, database and HTTP-client warnings, non-LLM
//! tracebacks with `Error`, `401`, `Traceback` and `timeout` in them, so the prefilter is
//! exercised — and one line in a thousand is the last line of a real captured LLM-API error
//! (`shared/reference/captured/`). Deterministic: the same size gives the same file.

use std::io::{BufWriter, Write};

/// Last lines of real captures (shared/reference/captured/*.txt).
const ERRORS: &[&str] = &[
    "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011MockAnthropicReqId'}",
    "openai.RateLimitError: Error code: 429 - You exceeded your current quota, please check your plan and billing details.",
    "fireworks.AuthenticationError: Error code: 401 - {'error': {'message': 'The API key you provided is invalid.', 'param': None, 'code': 'UNAUTHORIZED', 'type': 'error'}, 'request_id': '00000000-0000-4000-8000-mockfireworks'}",
    "TypeError: \"Could not resolve authentication method. Expected one of api_key, auth_token, or credentials to be set. Or for the `Authorization` header to be explicitly omitted\"",
    "groq.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_mock` on tokens per minute (TPM): Limit 6000, Used 5800, Requested 400.', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}",
];

const NOISE: &[&str] = &[
    "INFO  http: GET /api/v2/items/{n} 200 {ms}ms ua=\"Mozilla/5.0 (X11; Linux x86_64)\"",
    "INFO  http: POST /api/v2/orders 201 {ms}ms user={n}",
    "DEBUG cache: hit key=session:{n} ttl=3600",
    "WARN  auth: token refresh failed for user {n}: 401 Unauthorized from https://api.github.com/user",
    "ERROR db: timeout after 30s waiting for a connection from pool main (size=20, busy=20)",
    "ERROR worker: job {n} failed: ValueError: invalid literal for int() with base 10: 'abc'",
    "Traceback (most recent call last):",
    "  File \"/srv/app/jobs/report.py\", line {n}, in build",
    "KeyError: 'customer_id'",
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='example.com', port=443): Read timed out. (read timeout=10)",
    "INFO  scheduler: ran 12 jobs in {ms}ms, 0 errors",
    "WARN  http: upstream returned 503 Service Unavailable, retrying in 2s (attempt 1/3)",
    "ERROR payments: stripe.error.AuthenticationError: No API key provided.",
    "INFO  llm: completion ok model=claude-haiku-4-5 tokens_in={n} tokens_out={ms} latency={ms}ms",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("log") if args.len() == 3 => log(&args[1], args[2].parse().expect("MiB")),
        Some("literals") => {
            let d = errdex_diagnose::Diagnoser::new(errdex_kb::index());
            for l in d.signature_literals() {
                println!("{l}");
            }
        }
        _ => {
            eprintln!("usage: synth_log log PATH MIB | synth_log literals");
            std::process::exit(2);
        }
    }
}

fn log(path: &str, mib: u64) {
    let file = std::fs::File::create(path).expect("create the log");
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let target = mib * 1024 * 1024;
    let mut written = 0u64;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut line_no = 0u64;
    while written < target {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        line_no += 1;
        let secs = line_no / 50;
        let ts = format!(
            "2026-11-23T{:02}:{:02}:{:02}.{:03}Z ",
            (secs / 3600) % 24,
            (secs / 60) % 60,
            secs % 60,
            line_no % 1000
        );
        let line = if line_no % 1000 == 0 {
            format!(
                "{ts}ERROR llm: {}",
                ERRORS[(state % ERRORS.len() as u64) as usize]
            )
        } else {
            let t = NOISE[(state % NOISE.len() as u64) as usize];
            format!(
                "{ts}{}",
                t.replace("{n}", &(state % 100_000).to_string())
                    .replace("{ms}", &(state % 900).to_string())
            )
        };
        w.write_all(line.as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
        written += line.len() as u64 + 1;
    }
    w.flush().unwrap();
}
