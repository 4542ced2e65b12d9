//! Fact extraction: what a text says about the error, independent of any entry —
//! language, SDK and version, HTTP status, request id, model, hosts, environment
//! variables, the exception classes (the raised one last) and the error type/code of a
//! JSON or Python-repr body. All offsets are byte offsets into the (redacted) text.

use crate::normalize::line_body_start;
use crate::version::VersionSet;
use regex::Regex;
use std::sync::OnceLock;

/// A value found at `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub value: T,
    pub start: usize,
    pub end: usize,
}

impl<T> Found<T> {
    fn new(value: T, start: usize, end: usize) -> Self {
        Found { value, start, end }
    }
}

/// A key/value pair of an error body: `'type': 'authentication_error'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyField {
    pub key: String,
    pub value: Found<String>,
}

/// The SDK seen in the text and what its version can be.
#[derive(Debug, Clone)]
pub struct SdkHint {
    pub sdk: &'static str,
    pub language: Language,
    /// What was visible: `>=1.0`, `<1.0`, `0.28.1`; `None` when only the package was seen.
    pub version: Option<String>,
    pub versions: VersionSet,
    pub evidence: Found<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Typescript,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Typescript => "typescript",
        }
    }
}

/// Everything extracted from one text.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub language: Option<Language>,
    /// Exception classes at the start of a line, in order; the raised one is last.
    pub chain: Vec<Found<String>>,
    /// Every exception class mentioned anywhere.
    pub mentioned: Vec<Found<String>>,
    /// The first HTTP status.
    pub status: Option<Found<u16>>,
    /// Every distinct HTTP status, in order: a wrapper's status (`[500]` of a web
    /// framework) can come before the provider's own (`[400 Bad Request]`).
    pub statuses: Vec<Found<u16>>,
    pub request_id: Option<Found<String>>,
    pub model: Option<Found<String>>,
    pub hosts: Vec<Found<String>>,
    pub env_vars: Vec<Found<String>>,
    pub body: Vec<BodyField>,
    pub sdk: Option<SdkHint>,
}

impl Extracted {
    /// The exception that was raised: the last one that starts a line, else the last one
    /// mentioned.
    pub fn raised(&self) -> Option<&Found<String>> {
        self.chain.last().or(self.mentioned.last())
    }

    /// The error type of the body (`error.type`, skipping Anthropic's outer `"error"`).
    pub fn error_type(&self) -> Option<&str> {
        self.body
            .iter()
            .rev()
            .find(|f| f.key == "type" && !f.value.value.eq_ignore_ascii_case("error"))
            .map(|f| f.value.value.as_str())
    }

    /// The error code of the body (`error.code`, `details.error_code`, `reason`, Google's
    /// canonical `status`), when a string.
    pub fn error_code(&self) -> Option<&str> {
        self.body
            .iter()
            .find(|f| {
                matches!(
                    f.key.as_str(),
                    "code" | "error_code" | "errorcode" | "reason"
                )
            })
            .or_else(|| self.body.iter().find(|f| f.key == "status"))
            .map(|f| f.value.value.as_str())
    }
}

struct Regexes {
    exception: Regex,
    status: Regex,
    request_id: Regex,
    model: Regex,
    host: Regex,
    env_var: Regex,
    body_field: Regex,
    sdk_version: Regex,
}

fn regexes() -> &'static Regexes {
    static R: OnceLock<Regexes> = OnceLock::new();
    // ASCII word boundaries: the Unicode `\b` would push the regex engine off its DFA on
    // non-ASCII text (which pasted logs often have).
    let re = |pattern: &str| Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("valid regex");
    R.get_or_init(|| Regexes {
        // A class name ending like an exception, optionally module-qualified, optionally
        // with a Node error code in brackets, followed by `:` or the end of the line.
        exception: re(
            r"(?m)(?:^|[\s:(\[\]'`>])((?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Za-z0-9_]*(?:Error|Exception|Exhausted|Timeout|Interrupt|Denied|APIRemovedInV1|Unavailable))(?: \[[A-Za-z_]+\])?(?::|$)",
        ),
        status: re(concat!(
            r"(?i)(?:error code:?\s*(\d{3})\b)",
            r#"|(?:\bstatus(?:[ _]?code)?\b["']?\s*[:=]?\s*["']?(\d{3})\b)"#,
            r"|(?:\bhttp/\d(?:\.\d)?\s+(\d{3})\b)",
            r"|(?:\b(\d{3})\s+(?:client|server)\s+error\b)",
            r"|(?:\b(\d{3})\s+(?:unauthorized|forbidden|not found|too many requests|bad request|internal server error|service unavailable|payment required|request entity too large|payload too large|unprocessable entity|bad gateway|gateway timeout|overloaded|insufficient balance)\b)",
            r"|(?:\b(\d{3})\s+(?-i:[A-Z][A-Z_]{4,})\.)",
            r#"|(?:["']code["']\s*:\s*["']?(\d{3})\b)"#,
            r"|(?:\bapi\s?error:?\s*\(?(\d{3})\b)",
            r#"|(?:(?:(?m:^)(?:error:\s*)?|\berror:\s*)(\d{3})\s+[{"A-Za-z])"#,
            r"|(?:\[(\d{3})[ \]])",
            r"|(?:\berror\s+response\s+(\d{3})\b)",
        )),
        request_id: re(
            r#"(?i)(?:\b(req_[A-Za-z0-9]{8,})|request[-_ ]?id['"]?\s*[:=]\s*['"]?([A-Za-z0-9][A-Za-z0-9_-]{7,}))"#,
        ),
        model: re(
            r#"(?i)(?:\bmodels/([A-Za-z0-9][A-Za-z0-9._-]{2,80})|\bmodel(?:[ _]?(?:name|id))?\b["']?\s*(?:[:=]|\bis\b)?\s*[`'"]?([A-Za-z][A-Za-z0-9._:/@-]{2,80}))"#,
        ),
        host: re(
            r#"(?i)(?:\b(?:https?|wss?)://([a-z0-9][a-z0-9.-]*[a-z0-9])(?::\d+)?|\bhost=['"]([a-z0-9][a-z0-9.-]*[a-z0-9])['"])"#,
        ),
        env_var: re(
            r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:API_KEY|API_TOKEN|AUTH_TOKEN|ACCESS_KEY_ID|SECRET_ACCESS_KEY|BASE_URL|API_BASE|ENDPOINT|ADMIN_KEY|API_VERSION|ORG_ID|PROJECT_ID))\b",
        ),
        body_field: re(
            r#"(?i)(?:^|[{,\s\\"'])\\?["']?(type|code|status|reason|error_code|errorcode|error_type)\\?["']?\s*[:=]\s*(?:\\?["'])?([A-Za-z][A-Za-z0-9_.-]{1,60})"#,
        ),
        sdk_version: re(
            r"(?i)(?:^|[\s/'(\x22@])(openai|anthropic|groq|fireworks-ai|together|mistralai|cohere|google-genai|google-generativeai|litellm|@anthropic-ai/sdk|groq-sdk)(?:==|@|/python |/js |\s+v?|-)(\d+\.\d+(?:\.\d+)?)\b",
        ),
    })
}

/// Words without which a regex cannot match: the regexes run only on the lines that hold
/// one (a traceback's frames hold none), which keeps extraction well under the cost of
/// scanning the whole text once per regex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    Exception,
    EnvVar,
    BodyField,
    SdkVersion,
}

pub(crate) const GATES: &[(&str, Gate)] = &[
    ("Error", Gate::Exception),
    ("Exception", Gate::Exception),
    ("Exhausted", Gate::Exception),
    ("Timeout", Gate::Exception),
    ("Interrupt", Gate::Exception),
    ("Denied", Gate::Exception),
    ("APIRemovedInV1", Gate::Exception),
    ("Unavailable", Gate::Exception),
    ("_API_KEY", Gate::EnvVar),
    ("_API_TOKEN", Gate::EnvVar),
    ("_AUTH_TOKEN", Gate::EnvVar),
    ("_ACCESS_KEY_ID", Gate::EnvVar),
    ("_SECRET_ACCESS_KEY", Gate::EnvVar),
    ("_BASE_URL", Gate::EnvVar),
    ("_API_BASE", Gate::EnvVar),
    ("_ENDPOINT", Gate::EnvVar),
    ("_ADMIN_KEY", Gate::EnvVar),
    ("_API_VERSION", Gate::EnvVar),
    ("_ORG_ID", Gate::EnvVar),
    ("_PROJECT_ID", Gate::EnvVar),
    ("type", Gate::BodyField),
    ("code", Gate::BodyField),
    ("status", Gate::BodyField),
    ("reason", Gate::BodyField),
    ("openai", Gate::SdkVersion),
    ("anthropic", Gate::SdkVersion),
    ("groq", Gate::SdkVersion),
    ("fireworks-ai", Gate::SdkVersion),
    ("together", Gate::SdkVersion),
    ("mistralai", Gate::SdkVersion),
    ("cohere", Gate::SdkVersion),
    ("google-genai", Gate::SdkVersion),
    ("google-generativeai", Gate::SdkVersion),
    ("litellm", Gate::SdkVersion),
];

pub(crate) struct Gated {
    exception: Vec<(usize, usize)>,
    env_var: Vec<(usize, usize)>,
    body_field: Vec<(usize, usize)>,
    sdk_version: Vec<(usize, usize)>,
    /// Lines with a 3-digit number from 400 to 599 standing alone.
    status: Vec<(usize, usize)>,
    sdk_path: Option<(usize, usize)>,
}

fn line_of(text: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i);
    (start, end)
}

fn push_line(lines: &mut Vec<(usize, usize)>, line: (usize, usize)) {
    if lines.last() != Some(&line) && lines.len() < 512 {
        lines.push(line);
    }
}

impl Gated {
    /// The lines with a status-like number; words and paths are added by the caller's
    /// automaton pass (the diagnoser's one automaton holds [`GATES`] and [`SDK_PATHS`]).
    pub(crate) fn new(text: &str) -> Gated {
        let bytes = text.as_bytes();
        let mut g = Gated {
            exception: Vec::new(),
            env_var: Vec::new(),
            body_field: Vec::new(),
            sdk_version: Vec::new(),
            status: Vec::new(),
            sdk_path: None,
        };
        let mut i = 0;
        while i + 3 <= bytes.len() {
            let b = bytes[i];
            if (b == b'4' || b == b'5')
                && bytes[i + 1].is_ascii_digit()
                && bytes[i + 2].is_ascii_digit()
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                && bytes.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric())
            {
                let line = line_of(bytes, i);
                push_line(&mut g.status, line);
                i = line.1;
            }
            i += 1;
        }
        g
    }

    /// A hit of `GATES[gate]` at `start..end`.
    pub(crate) fn word(&mut self, text: &str, gate: usize, start: usize, end: usize) {
        let (word, kind) = GATES[gate];
        // Class names and variables are case-sensitive; body keys and packages are not.
        if matches!(kind, Gate::Exception | Gate::EnvVar) && &text[start..end] != word {
            return;
        }
        let line = line_of(text.as_bytes(), start);
        let lines = match kind {
            Gate::Exception => &mut self.exception,
            Gate::EnvVar => &mut self.env_var,
            Gate::BodyField => &mut self.body_field,
            Gate::SdkVersion => &mut self.sdk_version,
        };
        push_line(lines, line);
    }

    /// A hit of `SDK_PATHS[row]` at `start`: the earliest row of the table wins.
    pub(crate) fn sdk_path(&mut self, row: usize, start: usize) {
        if self.sdk_path.is_none_or(|(r, _)| row < r) {
            self.sdk_path = Some((row, start));
        }
    }
}

/// `re`'s captures on the given lines, with offsets into the whole text.
fn on_lines<'t>(
    re: &'t Regex,
    text: &'t str,
    lines: &'t [(usize, usize)],
) -> impl Iterator<Item = (usize, regex::Captures<'t>)> + 't {
    lines
        .iter()
        .flat_map(move |&(s, e)| re.captures_iter(&text[s..e]).map(move |c| (s, c)))
}

/// Package paths that tell the SDK (and sometimes its major version) from frames. The
/// first matching row wins, so specific paths come first.
pub(crate) struct SdkPath {
    pub(crate) pattern: &'static str,
    sdk: &'static str,
    language: Language,
    version: Option<&'static str>,
}

pub(crate) const SDK_PATHS: &[SdkPath] = &[
    // openai 1.x moved the transport into _base_client.py; 0.x had api_requestor.py and
    // api_resources/ (issue 3; openai-python 0.28 and 1.0 source trees).
    SdkPath {
        pattern: "openai/_base_client.py",
        sdk: "openai",
        language: Language::Python,
        version: Some(">=1.0"),
    },
    SdkPath {
        pattern: "openai/api_requestor.py",
        sdk: "openai",
        language: Language::Python,
        version: Some("<1.0"),
    },
    SdkPath {
        pattern: "openai/api_resources/",
        sdk: "openai",
        language: Language::Python,
        version: Some("<1.0"),
    },
    SdkPath {
        pattern: "site-packages/openai/",
        sdk: "openai",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/anthropic/",
        sdk: "anthropic",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/groq/",
        sdk: "groq",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/fireworks/",
        sdk: "fireworks-ai",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/together/",
        sdk: "together",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/mistralai/",
        sdk: "mistralai",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/cohere/",
        sdk: "cohere",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/google/genai/",
        sdk: "google-genai",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "site-packages/google/generativeai/",
        sdk: "google-generativeai",
        language: Language::Python,
        version: None,
    },
    SdkPath {
        pattern: "node_modules/@anthropic-ai/sdk/",
        sdk: "@anthropic-ai/sdk",
        language: Language::Typescript,
        version: None,
    },
    SdkPath {
        pattern: "node_modules/openai/",
        sdk: "openai",
        language: Language::Typescript,
        version: None,
    },
    SdkPath {
        pattern: "node_modules/groq-sdk/",
        sdk: "groq-sdk",
        language: Language::Typescript,
        version: None,
    },
];

/// HTTP reason phrases (RFC 9110 §15) of the statuses errdex has entries for.
const REASON_PHRASES: &[(&str, u16)] = &[
    ("bad request", 400),
    ("unauthorized", 401),
    ("payment required", 402),
    ("forbidden", 403),
    ("not found", 404),
    ("request timeout", 408),
    ("payload too large", 413),
    ("request entity too large", 413),
    ("unprocessable entity", 422),
    ("unprocessable content", 422),
    ("too many requests", 429),
    ("internal server error", 500),
    ("bad gateway", 502),
    ("service unavailable", 503),
    ("gateway timeout", 504),
];

/// The status of an exception line `Class[ [CODE]]: <reason phrase>` whose class ends at
/// `class_end`, when the message is nothing but the phrase.
fn reason_phrase_status(text: &str, class_end: usize) -> Option<Found<u16>> {
    let rest = &text[class_end..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let after_code = match line.strip_prefix(" [") {
        Some(r) => &r[r.find(']')? + 1..],
        None => line,
    };
    let message = after_code.strip_prefix(':')?;
    let phrase = message.trim().trim_end_matches('.');
    let status = REASON_PHRASES
        .iter()
        .find(|(p, _)| phrase.eq_ignore_ascii_case(p))?
        .1;
    let start = class_end
        + (line.len() - after_code.len())
        + 1
        + (message.len() - message.trim_start().len());
    Some(Found::new(status, start, start + phrase.len()))
}

/// Extracts every fact from `text` (already normalised and redacted). `search` is `text`
/// with `\` read as `/` (same length), for path matching.
pub(crate) fn extract(text: &str, search: &str, g: &Gated) -> Extracted {
    let r = regexes();
    let mut x = Extracted::default();

    // Exceptions: every class mentioned; those starting a line form the chain.
    for (at, caps) in on_lines(&r.exception, text, &g.exception).take(256) {
        let m = caps.get(1).expect("group 1");
        let (start, end) = (at + m.start(), at + m.end());
        let found = Found::new(m.as_str().to_string(), start, end);
        let m = Found::new((), start, end);
        let line_start = text[..m.start].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..];
        let body = line_start + line_body_start(line);
        // A log prefix (timestamp, level, brackets) may stand before it; a bracket
        // prefix can also swallow it (`[XError]`), then it does not start the line.
        let starts_line = body <= m.start && {
            // What stands between: nothing, or one logger name (`worker[42]:`).
            let prefix = text[body..m.start].trim();
            prefix.is_empty()
                || (prefix.ends_with(':')
                    && prefix.len() <= 48
                    && !prefix.contains(char::is_whitespace))
        };
        if starts_line && x.chain.last().map(|f| &f.value) != Some(&found.value) {
            x.chain.push(found.clone());
        }
        x.mentioned.push(found);
    }

    for found in on_lines(&r.status, text, &g.status)
        .filter_map(|(at, caps)| caps.iter().skip(1).flatten().next().map(|m| (at, m)))
        .filter_map(|(at, m)| {
            let n: u16 = m.as_str().parse().ok()?;
            (400..=599)
                .contains(&n)
                .then(|| Found::new(n, at + m.start(), at + m.end()))
        })
    {
        if !x.statuses.iter().any(|s| s.value == found.value) {
            x.statuses.push(found);
        }
    }
    // A raised exception whose whole message is a reason phrase carries that status: the
    // Vercel AI SDK's `APICallError` takes `response.statusText` as its message when the
    // error body is empty or does not parse (@ai-sdk/provider-utils 4.0.66,
    // dist/index.mjs, createJsonErrorResponseHandler).
    for found in x
        .chain
        .iter()
        .filter_map(|e| reason_phrase_status(text, e.end))
    {
        if !x.statuses.iter().any(|s| s.value == found.value) {
            x.statuses.push(found);
        }
    }
    x.status = x.statuses.first().cloned();

    x.request_id = r.request_id.captures(text).and_then(|caps| {
        caps.iter()
            .skip(1)
            .flatten()
            .next()
            .map(|m| Found::new(m.as_str().to_string(), m.start(), m.end()))
    });

    x.model = r
        .model
        .captures_iter(text)
        .filter_map(|caps| caps.iter().skip(1).flatten().next())
        .map(|m| {
            let v = m.as_str().trim_end_matches(['.', ',', ':', '/']);
            Found::new(v.to_string(), m.start(), m.start() + v.len())
        })
        .find(|f| looks_like_model(&f.value));

    for caps in r.host.captures_iter(text).take(64) {
        if let Some(m) = caps.get(1).or_else(|| caps.get(2)) {
            let host = m.as_str().to_ascii_lowercase();
            if !x.hosts.iter().any(|h| h.value == host) {
                x.hosts.push(Found::new(host, m.start(), m.end()));
            }
        }
    }

    for (at, caps) in on_lines(&r.env_var, text, &g.env_var).take(64) {
        let m = caps.get(1).expect("group 1");
        if !x.env_vars.iter().any(|h| h.value == m.as_str()) {
            x.env_vars.push(Found::new(
                m.as_str().to_string(),
                at + m.start(),
                at + m.end(),
            ));
        }
    }

    for (at, caps) in on_lines(&r.body_field, text, &g.body_field).take(256) {
        // A Python comment in a traceback's source line (`# type: ignore[...]`, mypy's
        // pragma, in google-genai's frames) is code, not a response body.
        let before = &text[at..at + caps.get(0).expect("match").start()];
        if before.trim_end().ends_with('#') {
            continue;
        }
        let key = caps.get(1).expect("key").as_str().to_ascii_lowercase();
        let m = caps.get(2).expect("value");
        let m = Found::new(m.as_str(), at + m.start(), at + m.end());
        let value = m.value.trim_end_matches(['.', '\\']);
        if matches!(
            value.to_ascii_lowercase().as_str(),
            "none" | "null" | "undefined"
        ) {
            continue;
        }
        x.body.push(BodyField {
            key,
            value: Found::new(value.to_string(), m.start, m.start + value.len()),
        });
    }

    x.language = language(text, search, &x);
    x.sdk = sdk_hint(text, g, &x);
    x
}

fn looks_like_model(v: &str) -> bool {
    v.len() >= 3
        && v.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && (v.bytes().any(|b| b.is_ascii_digit()) || v.contains('-') || v.contains('/'))
        && !v.starts_with("http")
}

fn language(text: &str, search: &str, x: &Extracted) -> Option<Language> {
    let mut python = 0;
    let mut node = 0;
    if text.contains("Traceback (most recent call last)") {
        python += 3;
    }
    if search.contains(".py\", line ")
        || search.contains("site-packages/")
        || search.contains("dist-packages/")
    {
        python += 2;
    }
    if text.contains("During handling of the above exception")
        || text.contains("The above exception was the direct cause")
    {
        python += 2;
    }
    if search.contains("node_modules/")
        || text.contains("node:internal")
        || text.contains("Node.js v")
    {
        node += 2;
    }
    if text.contains("\n    at ")
        && (text.contains(".js:")
            || text.contains(".mjs:")
            || text.contains(".ts:")
            || text.contains("<anonymous>"))
    {
        node += 2;
    }
    if x.raised().is_some_and(|e| {
        e.value.contains('.') && e.value.starts_with(|c: char| c.is_ascii_lowercase())
    }) {
        python += 1;
    }
    match (python, node) {
        (0, 0) => None,
        (p, n) if p >= n => Some(Language::Python),
        _ => Some(Language::Typescript),
    }
}

/// `<1.0` and `>=1.0` as version sets, computed once.
fn major_range(req: &str) -> VersionSet {
    static SETS: OnceLock<(VersionSet, VersionSet)> = OnceLock::new();
    let (below, from) =
        SETS.get_or_init(|| (VersionSet::from_req("<1.0"), VersionSet::from_req(">=1.0")));
    match req {
        "<1.0" => *below,
        ">=1.0" => *from,
        other => VersionSet::from_req(other),
    }
}

fn sdk_hint(text: &str, g: &Gated, x: &Extracted) -> Option<SdkHint> {
    // An explicit version (`openai==0.28.1`, `anthropic@0.40.0`) is the best hint — but
    // not one in an install command, which is advice (`APIRemovedInV1` itself says
    // "pip install openai==0.28" to the user of openai 1.x).
    let advised = |at: usize| {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(15)
            .map_or(0, |(i, _)| i);
        text[from..at].to_ascii_lowercase().contains("install")
    };
    if let Some((at, caps)) = on_lines(&regexes().sdk_version, text, &g.sdk_version)
        .find(|(at, caps)| !advised(at + caps.get(1).map_or(0, |m| m.start())))
    {
        let (name, version) = (caps.get(1).unwrap(), caps.get(2).unwrap());
        let lower = name.as_str().to_ascii_lowercase();
        let sdk = SDK_PATHS
            .iter()
            .map(|p| p.sdk)
            .chain(["fireworks-ai", "litellm", "google-genai"])
            .find(|s| *s == lower);
        if let (Some(sdk), Some(versions)) = (sdk, VersionSet::exact(version.as_str())) {
            let language = if sdk.starts_with('@') || sdk.ends_with("-sdk") {
                Language::Typescript
            } else {
                Language::Python
            };
            return Some(SdkHint {
                sdk,
                language: x.language.unwrap_or(language),
                version: Some(version.as_str().to_string()),
                versions,
                evidence: Found::new(
                    text[at + name.start()..at + version.end()].to_string(),
                    at + name.start(),
                    at + version.end(),
                ),
            });
        }
    }
    // The exception's module: `openai.error.X` is 0.x; `openai.X` is 1.x and later.
    if let Some(e) = x
        .chain
        .iter()
        .chain(x.mentioned.iter())
        .find(|e| e.value.starts_with("openai."))
    {
        let range = if e.value.starts_with("openai.error.") {
            "<1.0"
        } else {
            ">=1.0"
        };
        return Some(SdkHint {
            sdk: "openai",
            language: Language::Python,
            version: Some(range.to_string()),
            versions: major_range(range),
            evidence: e.clone(),
        });
    }
    // `APIRemovedInV1` is raised by openai>=1.0 when code calls the 0.x interface.
    if let Some(at) = text.find("APIRemovedInV1") {
        return Some(SdkHint {
            sdk: "openai",
            language: Language::Python,
            version: Some(">=1.0".to_string()),
            versions: major_range(">=1.0"),
            evidence: Found::new(
                "APIRemovedInV1".to_string(),
                at,
                at + "APIRemovedInV1".len(),
            ),
        });
    }
    let (row, at) = g.sdk_path?;
    let p = &SDK_PATHS[row];
    Some(SdkHint {
        sdk: p.sdk,
        language: p.language,
        version: p.version.map(str::to_string),
        versions: p.version.map_or(VersionSet::ALL, major_range),
        evidence: Found::new(
            text[at..at + p.pattern.len()].to_string(),
            at,
            at + p.pattern.len(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str) -> Extracted {
        let search = text.replace('\\', "/");
        let mut g = Gated::new(text);
        let words = GATES
            .iter()
            .map(|(w, _)| *w)
            .chain(SDK_PATHS.iter().map(|p| p.pattern));
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(words)
            .unwrap();
        for hit in ac.find_overlapping_iter(&search) {
            let i = hit.pattern().as_usize();
            if i < GATES.len() {
                g.word(text, i, hit.start(), hit.end());
            } else {
                g.sdk_path(i - GATES.len(), hit.start());
            }
        }
        extract(text, &search, &g)
    }

    #[test]
    fn the_raised_exception_is_the_last_line_start_one() {
        let text = "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nhttpx.ConnectError: [Errno 111] Connection refused\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\nopenai.APIConnectionError: Connection error.\n";
        let x = ex(text);
        assert_eq!(
            x.chain.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(),
            ["httpx.ConnectError", "openai.APIConnectionError"]
        );
        assert_eq!(x.raised().unwrap().value, "openai.APIConnectionError");
        assert_eq!(x.language, Some(Language::Python));
    }

    #[test]
    fn status_request_id_model_and_body() {
        let x = ex("anthropic.NotFoundError: Error code: 404 - {'type': 'error', 'error': {'type': 'not_found_error', 'message': 'model: claude-does-not-exist'}, 'request_id': 'req_011MockAnthropicReqId'}");
        assert_eq!(x.status.as_ref().unwrap().value, 404);
        assert_eq!(
            x.request_id.as_ref().unwrap().value,
            "req_011MockAnthropicReqId"
        );
        assert_eq!(x.model.as_ref().unwrap().value, "claude-does-not-exist");
        assert_eq!(x.error_type(), Some("not_found_error"));
    }

    #[test]
    fn a_type_comment_in_a_source_line_is_not_a_body_field() {
        let x = ex("  File \"/home/dev/.venv/lib/python3.11/site-packages/google/genai/_api_client.py\", line 1, in request\n    return response  # type: ignore[no-any-return]\ngoogle.genai.errors.ServerError: 503 UNAVAILABLE. {'error': {'code': 503, 'status': 'UNAVAILABLE'}}");
        assert!(
            x.body.iter().all(|f| f.value.value != "ignore"),
            "{:?}",
            x.body
        );
        assert!(x.body.iter().any(|f| f.value.value == "UNAVAILABLE"));
    }

    #[test]
    fn statuses_in_their_many_spellings() {
        for (text, status) in [
            ("401 {\"type\":\"error\"}", 401),
            (
                "Error: 400 This model's maximum context length is 4097 tokens.",
                400,
            ),
            ("API error occurred: Status 429. Body: {}", 429),
            ("HTTP/1.1 503 Service Unavailable", 503),
            ("503 UNAVAILABLE. {'error': {'code': 503}}", 503),
            ("[400 Bad Request] API key not valid.", 400),
            ("401 Client Error: Unauthorized for url", 401),
            ("API Error: 529 Overloaded.", 529),
            (
                "Error response 401 while fetching https://example.test/v1",
                401,
            ),
            (
                r#"{"error":"Error: 429 {\"type\":\"error\"}","timestamp":"2026-03-29"}"#,
                429,
            ),
        ] {
            assert_eq!(ex(text).status.map(|f| f.value), Some(status), "{text}");
        }
        assert_eq!(
            ex("ValueError: operands could not be broadcast together with shapes (38,401,3)")
                .status,
            None
        );
    }

    #[test]
    fn a_message_that_is_only_a_reason_phrase_is_its_status() {
        let text = "APICallError [AI_APICallError]: Unauthorized\n    at postToApi (x.mjs:1:1)";
        let x = ex(text);
        let s = x.status.expect("status");
        assert_eq!(s.value, 401);
        assert_eq!(&text[s.start..s.end], "Unauthorized");
        assert_eq!(
            ex("FetchError: Too Many Requests").status.map(|s| s.value),
            Some(429)
        );
        // A phrase inside a longer message is prose, not a status.
        assert_eq!(ex("ValueError: Not found in cache, retrying").status, None);
        assert_eq!(ex("Unauthorized").status, None);
    }

    #[test]
    fn every_status_is_kept_in_order() {
        let x = ex("[request error] [500] [GoogleGenerativeAI Error]: Error fetching from https://x: [400 Bad Request] API key not valid. {\"code\": 400}");
        let all: Vec<u16> = x.statuses.iter().map(|s| s.value).collect();
        assert_eq!(all, [500, 400]);
        assert_eq!(x.status.map(|s| s.value), Some(500));
    }

    #[test]
    fn sdk_versions_from_frames_and_classes() {
        let x = ex("  File \"/x/site-packages/openai/api_requestor.py\", line 1\nopenai.error.RateLimitError: quota");
        let sdk = x.sdk.unwrap();
        assert_eq!((sdk.sdk, sdk.version.as_deref()), ("openai", Some("<1.0")));
        let x = ex("  File \"C:\\x\\site-packages\\openai\\_base_client.py\", line 1\nopenai.RateLimitError: quota");
        assert_eq!(x.sdk.unwrap().version.as_deref(), Some(">=1.0"));
        let x = ex("openai==0.28.1\nRateLimitError: x");
        assert_eq!(x.sdk.unwrap().version.as_deref(), Some("0.28.1"));
        // An install command is advice, not the version that ran.
        let x = ex("APIRemovedInV1: You can run `openai migrate`. Alternatively, you can pin your installation to the old version, e.g. `pip install openai==0.28`");
        assert_eq!(x.sdk.unwrap().version.as_deref(), Some(">=1.0"));
    }

    #[test]
    fn hosts_and_env_vars() {
        let x = ex("HTTPSConnectionPool(host='api.openai.com', port=443) https://api.fireworks.ai/inference/v1 set OPENAI_API_KEY");
        assert_eq!(
            x.hosts.iter().map(|h| h.value.as_str()).collect::<Vec<_>>(),
            ["api.openai.com", "api.fireworks.ai"]
        );
        assert_eq!(x.env_vars[0].value, "OPENAI_API_KEY");
    }
}
