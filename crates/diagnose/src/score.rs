//! Scoring: turns the hits of one pass over the text into ranked, calibrated matches.
//!
//! Each piece of evidence for an entry carries a weight, read as "how likely this entry is
//! right given this evidence alone"; weights combine as a noisy-OR (`1 − Π(1 − w)`), and
//! contradictions multiply the result down: another provider clearly shown, another HTTP
//! status, an SDK version outside the entry's range. An entry can only be *named* with
//! specific evidence — one of its message signals or its exception class — or with the
//! provider shown and its status seen; generic evidence alone (a 401 and the word
//! `authentication_error`) is capped below [`THRESHOLD`], because a wrong page is worse
//! than no page. The weights and the threshold were calibrated on the odd lines of the
//! devset (bench/eval.sh), never on single texts.

use crate::facts::{self, Extracted, Found};
use crate::providers::{module_provider, names_other_google_api, Clue, PROVIDER_FACTS};
use crate::{Diagnoser, Diagnosis, Evidence, Facts, Match, Pattern};
use errdex_entry::{EntryId, Kind, Provider};
use std::collections::HashMap;

/// Below this confidence the answer is "no match".
pub const THRESHOLD: f32 = 0.5;

/// Runners-up below this are not worth showing.
const RUNNER_UP_FLOOR: f32 = 0.15;

/// Error types that providers use for many kinds of error, so they say little about which
/// one: `invalid_request_error` is Anthropic's type for most 4xx (docs.anthropic.com/en/api/errors)
/// and OpenAI's for 400/401/404 bodies (sdk-facts.md §5.2); Google's `INVALID_ARGUMENT`
/// covers bad keys and bad requests alike (§5.8).
pub const GENERIC_CODES: &[&str] = &[
    "error",
    "invalid_request_error",
    "invalid_argument",
    "failed_precondition",
    "invalid_request",
    "bad_request",
];

/// Language builtins that entries may list (the anthropic SDK raises `TypeError` for a
/// missing key) but that never identify an error by themselves.
const BUILTIN_CLASSES: &[&str] = &[
    "Error",
    "Exception",
    "TypeError",
    "ValueError",
    "KeyError",
    "RuntimeError",
    "AttributeError",
    "ImportError",
    "ModuleNotFoundError",
    "OSError",
    "IOError",
    "ConnectionError",
    "TimeoutError",
    "AssertionError",
    "NotImplementedError",
];

/// Modules of general-purpose libraries (HTTP clients, AWS and Google Cloud cores) whose
/// exceptions every program using them can raise: `httpx.ConnectError` is a Gemini
/// connection error only when the text shows Gemini, `botocore…NoCredentialsError` a
/// Bedrock one only when it shows Bedrock (an S3 call raises the same class).
const LIBRARY_MODULES: &[&str] = &[
    "httpx.",
    "httpx2.",
    "httpcore.",
    "requests.",
    "urllib3.",
    "aiohttp.",
    "botocore.",
    "boto3.",
    "google.api_core.",
    "google.auth.",
    "grpc.",
];

fn library_class(class: &str) -> bool {
    LIBRARY_MODULES.iter().any(|m| class.starts_with(m))
}

/// The kind an SDK's status-level exception class stands for. The Stainless SDKs raise one
/// class per HTTP status (sdk-facts.md §1, §2: `RateLimitError` for every 429, quota and
/// rate limit alike), so the class names an entry only when the entry is that kind;
/// otherwise it is consistent evidence and the entry needs its own message or code.
pub(crate) fn class_kind(short: &str) -> Option<Kind> {
    Some(match short {
        "AuthenticationError" | "UnauthorizedError" => Kind::Authentication,
        "PermissionDeniedError" | "ForbiddenError" => Kind::Permission,
        "NotFoundError" => Kind::NotFound,
        "BadRequestError" => Kind::BadRequest,
        "ContentTooLargeError" | "RequestTooLargeError" => Kind::RequestTooLarge,
        "UnprocessableEntityError" => Kind::Unprocessable,
        "RateLimitError" | "TooManyRequestsError" => Kind::RateLimit,
        "InternalServerError" => Kind::ServerError,
        "OverloadedError" | "ServiceUnavailableError" => Kind::Overloaded,
        "APITimeoutError" | "APIConnectionTimeoutError" => Kind::Timeout,
        "APIConnectionError" => Kind::Connection,
        _ => return None,
    })
}

/// The kind an HTTP status stands for when nothing else is known (taxonomy.md); statuses
/// shared by several kinds (400, 429 for quota) name nothing by themselves.
fn status_kind(status: u16) -> Option<Kind> {
    Some(match status {
        401 => Kind::Authentication,
        403 => Kind::Permission,
        404 => Kind::NotFound,
        413 => Kind::RequestTooLarge,
        422 => Kind::Unprocessable,
        429 => Kind::RateLimit,
        500 | 502 => Kind::ServerError,
        503 | 529 => Kind::Overloaded,
        _ => return None,
    })
}

/// The base classes SDKs raise for errors of every kind (or of a whole status family):
/// the Stainless SDKs' `APIError`/`APIStatusError`/`<Sdk>Error` (sdk-facts.md §3.1–3.3),
/// Cohere's `ApiError` for any status without a class of its own (§3.5), mistralai's
/// `SDKError`/`MistralError` for every 4xx/5xx but 422 (§3.4), google-genai's
/// `APIError`/`ClientError`/`ServerError` per status family (§3.6), botocore's
/// `ClientError`. They are consistent evidence, never a name by themselves.
const BASE_CLASSES: &[&str] = &[
    "APIError",
    "APIStatusError",
    "ApiError",
    "SDKError",
    "MistralError",
    "OpenAIError",
    "AnthropicError",
    "GroqError",
    "FireworksError",
    "TogetherError",
    "ClientError",
    "ServerError",
    "GoogleAPIError",
    "GoogleAPICallError",
    "BotoCoreError",
];

/// Whether a matched exception class can name `kind` by itself.
fn class_names(class: &str, kind: Kind) -> bool {
    let short = class.rsplit('.').next().unwrap_or(class);
    !BASE_CLASSES.contains(&short) && class_kind(short).is_none_or(|k| k == kind)
}

/// The weight of each kind of evidence (see the module documentation).
mod w {
    pub const LITERAL_LONG: f32 = 0.8;
    pub const LITERAL_SHORT: f32 = 0.6;
    pub const REGEX: f32 = 0.8;
    pub const CLASS_RAISED: f32 = 0.75;
    pub const CLASS_MENTIONED: f32 = 0.6;
    pub const CLASS_SHORT_SAME_SDK: f32 = 0.55;
    pub const CLASS_SHORT: f32 = 0.2;
    /// The entry's class, but a status-level one that stands for another kind.
    pub const CLASS_OTHER_KIND: f32 = 0.35;
    /// The body's error code is another one than the entry's.
    pub const OTHER_CODE: f32 = 0.5;
    /// The body's error code is a shared one (`invalid_request_error`), and not the
    /// entry's: weaker, since many kinds answer with it, but still the API saying which
    /// family of error this is (Anthropic's 413 context-window refusal is an
    /// `invalid_request_error`, its 413 body-size refusal a `request_too_large`).
    pub const OTHER_GENERIC_CODE: f32 = 0.8;
    pub const CODE_IN_BODY: f32 = 0.5;
    pub const CODE_IN_TEXT: f32 = 0.4;
    pub const CODE_GENERIC: f32 = 0.15;
    pub const STATUS: f32 = 0.3;
    pub const PROVIDER: f32 = 0.45;
    pub const VERSION_FITS: f32 = 0.15;
    /// Multipliers for contradictions.
    pub const OTHER_PROVIDER: f32 = 0.85;
    pub const OTHER_STATUS: f32 = 0.4;
    /// Another status, but the entry's own message is in the text: the message outweighs
    /// the status, which wrappers and gateways remap (LiteLLM, proxies answering 500 for an
    /// upstream 400) and the API itself varies (Anthropic answers a prompt over the context
    /// window with 400 or with 413).
    pub const OTHER_STATUS_BESIDE_MESSAGE: f32 = 0.85;
    pub const STATUS_WITHOUT_HTTP: f32 = 0.7;
    pub const OTHER_VERSION: f32 = 0.5;
    /// Another SDK version, but the entry's own message is in the text: the API wrote the
    /// message whatever the client's version (Azure's "Access denied due to invalid
    /// subscription key" reaches openai 0.x as `openai.error.AuthenticationError`). Where
    /// two entries differ only by version, the one that fits still wins.
    pub const OTHER_VERSION_BESIDE_MESSAGE: f32 = 0.85;
    /// The text came through a wrapper that other candidates say they arrive through.
    pub const OTHER_TRANSPORT: f32 = 0.9;
    /// The text names another Google API (Translate, Custom Search, Maps, …): every Google
    /// API answers in the same format (`API_KEY_INVALID`, `google.rpc.ErrorInfo`), so the
    /// Gemini and Vertex entries' own wording is no evidence there.
    pub const OTHER_GOOGLE_API: f32 = 0.3;
    /// The cap for entries with generic evidence only.
    pub const GENERIC_CAP: f32 = 0.45;
}

#[derive(Default)]
struct Candidate {
    weights: Vec<f32>,
    evidence: Vec<Evidence>,
    specific: bool,
    /// Its exception class is a general library's: specific only with the provider shown.
    library_class: bool,
    status_match: bool,
    /// One of its message literals or patterns is in the text.
    message: bool,
    version_fits: bool,
    penalty: f32,
}

impl Candidate {
    fn add(&mut self, weight: f32, evidence: Evidence) {
        self.weights.push(weight);
        if !self
            .evidence
            .iter()
            .any(|e| e.signal == evidence.signal && e.start == evidence.start)
        {
            self.evidence.push(evidence);
        }
    }
}

fn ev(signal: &str, value: &str, start: usize, end: usize) -> Evidence {
    Evidence {
        signal: signal.to_string(),
        value: value.to_string(),
        start,
        end,
    }
}

fn found_ev<T: ToString>(signal: &str, f: &Found<T>) -> Evidence {
    ev(signal, &f.value.to_string(), f.start, f.end)
}

/// A clue for a provider found in the text.
struct Vote {
    provider: Provider,
    clue: Clue,
    transport: bool,
    evidence: Evidence,
}

/// The provider the text shows, how sure, the transport it came through, and why.
pub(crate) struct ProviderGuess {
    pub provider: Option<Provider>,
    /// Nothing but a transport shows the provider (or nothing shows one at all).
    pub upstream_unknown: bool,
    pub confidence: f32,
    pub via: Option<Provider>,
    pub evidence: Vec<Evidence>,
}

/// The part of the line holding `at` before `at`, when that line is a Python traceback's
/// source line (the indented line under `File "…", line N`): code, not output.
fn traceback_code_before(text: &str, at: usize) -> Option<&str> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..at];
    if !line.starts_with("    ") || start == 0 {
        return None;
    }
    let previous = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    text[previous..start]
        .trim_start()
        .starts_with("File \"")
        .then_some(line)
}

/// Whether `at` is inside a comment of a traceback's source line:
/// `AsyncOpenAI()  # base_url="http://127.0.0.1:11434/v1"` shows code that did not run, so a
/// host or key there is no clue to the provider.
fn in_traceback_comment(text: &str, at: usize) -> bool {
    traceback_code_before(text, at).is_some_and(|line| {
        // No quote before the `#`: a `#` inside a string literal is not a comment.
        line.find(" #")
            .is_some_and(|hash| !line[..hash].contains(['"', '\'']))
    })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn guess_provider(votes: &[Vote]) -> ProviderGuess {
    // Per provider (and transport or not): the best weight per kind of clue, combined.
    let mut scores: HashMap<(Provider, bool), HashMap<Clue, f32>> = HashMap::new();
    for v in votes {
        let best = scores
            .entry((v.provider, v.transport))
            .or_default()
            .entry(v.clue)
            .or_insert(0.0);
        *best = best.max(v.clue.weight());
    }
    let combined =
        |clues: &HashMap<Clue, f32>| 1.0 - clues.values().map(|w| 1.0 - w).product::<f32>();
    let mut ranked: Vec<(Provider, bool, f32)> = scores
        .iter()
        .map(|(&(p, t), c)| (p, t, combined(c)))
        .collect();
    ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let upstream: Vec<&(Provider, bool, f32)> = ranked.iter().filter(|r| !r.1).collect();
    let transports: Vec<&(Provider, bool, f32)> = ranked.iter().filter(|r| r.1).collect();
    const MIN: f32 = 0.3;
    let (provider, confidence, upstream_unknown) = match upstream.first() {
        Some(best) if best.2 >= MIN => {
            // A second upstream provider shown as clearly makes the guess less sure.
            let second = upstream.get(1).map_or(0.0, |s| s.2);
            (Some(best.0), (best.2 - 0.5 * second).max(0.0), false)
        }
        _ => match transports.first() {
            Some(t) if t.2 >= MIN => (Some(t.0), t.2, true),
            _ => (None, 0.0, true),
        },
    };
    // The transport it came through: the best one that is not the provider itself
    // (LiteLLM carrying `OpenAIException` is OpenAI via LiteLLM).
    let via = transports
        .iter()
        .find(|t| t.2 >= MIN && Some(t.0) != provider)
        .map(|t| t.0);
    let evidence = votes
        .iter()
        .filter(|v| Some(v.provider) == provider || (v.transport && Some(v.provider) == via))
        .map(|v| v.evidence.clone())
        .collect();
    ProviderGuess {
        provider,
        upstream_unknown,
        confidence,
        via,
        evidence,
    }
}

/// The transport an SDK package is (entries name packages in their exceptions).
fn transport_sdk(sdk: &str) -> Option<Provider> {
    match sdk {
        "openai" => Some(Provider::Openai),
        "litellm" => Some(Provider::Litellm),
        s if s.starts_with("langchain") || s.starts_with("@langchain/") => {
            Some(Provider::Langchain)
        }
        _ => None,
    }
}

fn noisy_or(weights: &[f32]) -> f32 {
    1.0 - weights
        .iter()
        .map(|w| 1.0 - w.clamp(0.0, 1.0))
        .product::<f32>()
}

/// Entry literals that a terminal wrapped over lines: Claude Code and other CLIs print a
/// long API message as `…"message":"Request \n    size exceeds model context window"…`
/// (anthropics/claude-code#6368, #6361), and users paste it so. Where a line goes on
/// indented, the break and the blanks around it are read as one space, and the entry
/// literals that hold a blank are looked for again in that joined text (their own small
/// automaton); one found across such a break counts, at its place in the original text.
fn wrapped_literal_hits(d: &Diagnoser, search: &str) -> Vec<(usize, usize, usize)> {
    let bytes = search.as_bytes();
    let is_blank = |b: u8| b == b' ' || b == b'\t';
    // Each break: where its one space stands in `joined`, and how many bytes of `search`
    // lie before that point beyond those of `joined` once it is passed.
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    let mut joined = String::with_capacity(search.len());
    let mut copied = 0;
    let mut shift = 0;
    let mut from = 0;
    while let Some(nl) = memchr::memchr(b'\n', &bytes[from..]).map(|i| from + i) {
        let mut start = nl;
        while start > copied && is_blank(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = nl + 1;
        while end < bytes.len() && (is_blank(bytes[end]) || bytes[end] == b'\n') {
            end += 1;
        }
        from = end;
        // Only a line that goes on indented is a wrapped one.
        if end == bytes.len() || !is_blank(bytes[end - 1]) {
            continue;
        }
        joined.push_str(&search[copied..start]);
        joined.push(' ');
        shift += end - start - 1;
        breaks.push((joined.len() - 1, shift));
        copied = end;
    }
    if breaks.is_empty() {
        return Vec::new();
    }
    joined.push_str(&search[copied..]);
    // The offset in `search` of byte `j` of `joined` (past a break, its shift applies).
    let original = |j: usize| {
        let passed = breaks.partition_point(|&(at, _)| at < j);
        j + passed.checked_sub(1).map_or(0, |k| breaks[k].1)
    };
    d.wrap_automaton
        .find_overlapping_iter(joined.as_str())
        .filter(|h| {
            let first = breaks.partition_point(|&(at, _)| at <= h.start());
            breaks.get(first).is_some_and(|&(at, _)| at < h.end())
        })
        .map(|h| {
            (
                d.wrap_patterns[h.pattern().as_usize()],
                original(h.start()),
                original(h.end() - 1) + 1,
            )
        })
        .collect()
}

pub(crate) fn diagnose(d: &Diagnoser, text: String) -> Diagnosis {
    let search: std::borrow::Cow<str> = if text.contains('\\') {
        text.replace('\\', "/").into()
    } else {
        text.as_str().into()
    };
    // One pass of the automaton: entry signals, provider clues, and the words that tell
    // the fact extractors which lines to read.
    let mut hits: Vec<(usize, usize, usize)> = d
        .automaton
        .find_overlapping_iter(search.as_ref())
        .map(|h| (h.pattern().as_usize(), h.start(), h.end()))
        .collect();
    hits.extend(wrapped_literal_hits(d, &search));
    let mut gated = facts::Gated::new(&text);
    for &(p, start, end) in &hits {
        match d.patterns[p] {
            Pattern::Gate { gate } => gated.word(&text, gate, start, end),
            Pattern::SdkPath { row } => gated.sdk_path(row, start),
            _ => {}
        }
    }
    let x = facts::extract(&text, &search, &gated);
    let bytes = search.as_bytes();
    let raised = x.raised().cloned();

    let mut cands: HashMap<usize, Candidate> = HashMap::new();
    let mut votes: Vec<Vote> = Vec::new();
    let mut code_hits: Vec<(String, Evidence, bool)> = Vec::new();

    for &(pattern, start, end) in &hits {
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        let matched = &text[start..end];
        match &d.patterns[pattern] {
            Pattern::Literal { entry } => {
                let weight = if end - start >= 10 {
                    w::LITERAL_LONG
                } else {
                    w::LITERAL_SHORT
                };
                let c = cands.entry(*entry).or_default();
                c.specific = true;
                c.message = true;
                c.add(weight, ev("message", matched, start, end));
            }
            Pattern::Class { entries, class } => {
                if matched != class
                    || before.is_some_and(|b| is_ident(b) || b == b'.')
                    || after.is_some_and(is_ident)
                {
                    continue;
                }
                let is_raised = raised
                    .as_ref()
                    .is_some_and(|r| r.start <= start && end <= r.end);
                // `except openai.error.Timeout:` in a traceback's code names a class the
                // program handles, not one it raised: when another class was raised, the
                // code line is no evidence.
                if !is_raised && raised.is_some() && traceback_code_before(&text, start).is_some() {
                    continue;
                }
                let library = library_class(class);
                for &entry in entries {
                    let compiled = &d.entries[entry];
                    // Listed by other entries of this kind too: consistent, not naming.
                    let shared = compiled
                        .exceptions
                        .iter()
                        .any(|e| e.class == *class && e.shared);
                    let names = class_names(class, compiled.kind);
                    let c = cands.entry(entry).or_default();
                    if library {
                        c.library_class |= names && !shared;
                    } else {
                        c.specific |= names && !shared;
                    }
                    if !names {
                        c.add(
                            w::CLASS_OTHER_KIND,
                            ev("exception_class", matched, start, end),
                        );
                        continue;
                    }
                    c.add(
                        if is_raised {
                            w::CLASS_RAISED
                        } else {
                            w::CLASS_MENTIONED
                        },
                        ev("exception_class", matched, start, end),
                    );
                }
            }
            Pattern::Code { code } => {
                if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
                    continue;
                }
                let in_body = x.body.iter().any(|f| f.value.start == start);
                code_hits.push((code.clone(), ev("error_code", matched, start, end), in_body));
            }
            Pattern::Provider { fact } => {
                let f = &PROVIDER_FACTS[*fact];
                if f.word
                    && (before.is_some_and(|b| b.is_ascii_alphanumeric())
                        || after.is_some_and(|b| b.is_ascii_alphanumeric()))
                {
                    continue;
                }
                // Names are brands: only as the provider writes them.
                if f.clue == Clue::Name && matched != f.pattern {
                    continue;
                }
                if in_traceback_comment(&text, start) {
                    continue;
                }
                votes.push(Vote {
                    provider: f.provider,
                    clue: f.clue,
                    transport: f.transport,
                    evidence: ev(f.clue.signal(), matched, start, end),
                });
            }
            Pattern::Gate { .. } | Pattern::SdkPath { .. } => {}
            Pattern::KeyPrefix { provider } => {
                if before.is_some_and(|b| b.is_ascii_alphanumeric()) {
                    continue;
                }
                votes.push(Vote {
                    provider: *provider,
                    clue: Clue::KeyPrefix,
                    transport: false,
                    evidence: ev("key_prefix", matched, start, end),
                });
            }
        }
    }

    // Entry regexes: one RegexSet pass; only the regexes that matched are run again, to
    // say where.
    if !d.regexes.is_empty() {
        for i in d.regex_set.matches(&text).iter() {
            let (entry, re) = &d.regexes[i];
            if let Some(m) = re.find(&text) {
                let c = cands.entry(*entry).or_default();
                c.specific = true;
                c.message = true;
                c.add(
                    w::REGEX,
                    ev("message_pattern", m.as_str(), m.start(), m.end()),
                );
            }
        }
    }

    // The exception modules are provider clues too.
    for e in x.chain.iter().chain(x.mentioned.iter()) {
        if let Some((provider, transport)) = module_provider(&e.value) {
            let module_len = e.value.rfind('.').unwrap_or(0);
            votes.push(Vote {
                provider,
                clue: Clue::ExceptionModule,
                transport,
                evidence: ev(
                    "exception_module",
                    &e.value[..module_len],
                    e.start,
                    e.start + module_len,
                ),
            });
        }
    }
    let mut guess = guess_provider(&votes);
    if guess.upstream_unknown {
        // The `openai` package, LiteLLM or LangChain carry errors from many providers'
        // APIs (OpenAI-compatible endpoints): when nothing else names the provider, the
        // wording of the message does — an entry's own message signal (DeepSeek's
        // "Authentication Fails", Azure's `DeploymentNotFound`) votes for its provider,
        // when that entry says its error arrives through this transport.
        let mut own: Vec<Vote> = Vec::new();
        for (&at, c) in &cands {
            let entry = &d.entries[at];
            let through = match guess.provider {
                None => true,
                Some(t) => {
                    entry.provider == t
                        || entry
                            .exceptions
                            .iter()
                            .any(|e| transport_sdk(&e.sdk) == Some(t))
                }
            };
            if !through {
                continue;
            }
            let message = c
                .evidence
                .iter()
                .find(|e| e.signal == "message" || e.signal == "message_pattern");
            if let Some(e) = message {
                own.push(Vote {
                    provider: entry.provider,
                    clue: Clue::Message,
                    transport: false,
                    evidence: ev(Clue::Message.signal(), &e.value, e.start, e.end),
                });
            }
        }
        if !own.is_empty() {
            votes.extend(own);
            guess = guess_provider(&votes);
        }
    }

    // Exception classes by their short name (Node prints `AuthenticationError:` alone).
    let mut seen_short: Vec<&str> = Vec::new();
    for e in x.chain.iter().chain(raised.iter()) {
        let short = e.value.rsplit('.').next().unwrap_or(&e.value);
        if seen_short.contains(&short) {
            continue;
        }
        seen_short.push(short);
        let qualified = e.value.contains('.');
        for &at in d.by_short_class.get(short).into_iter().flatten() {
            let entry = &d.entries[at];
            // A Python class never names a Node error of the same short name (or back).
            let language = x.language.or(x.sdk.as_ref().map(|s| s.language));
            for exc in entry
                .exceptions
                .iter()
                .filter(|x| x.short == short)
                .filter(|x| language.is_none_or(|l| l.as_str() == x.language))
            {
                if qualified && exc.class == e.value {
                    continue; // counted by the automaton
                }
                // A builtin class (`TypeError`, Node's `Error`) says nothing about which
                // error it is: any bug raises it.
                let same_sdk = !BUILTIN_CLASSES.contains(&short)
                    && match (&x.sdk, qualified) {
                        (_, true) => {
                            module_provider(&e.value).is_some_and(|(p, _)| p == entry.provider)
                                && exc.class.split('.').next() == e.value.split('.').next()
                        }
                        (Some(sdk), false) => sdk.sdk == exc.sdk,
                        (None, false) => false,
                    };
                let c = cands.entry(at).or_default();
                if same_sdk && !exc.shared && class_names(short, entry.kind) {
                    c.specific = true;
                    c.add(w::CLASS_SHORT_SAME_SDK, found_ev("exception_class", e));
                } else {
                    c.add(w::CLASS_SHORT, found_ev("exception_class", e));
                }
            }
        }
    }

    // Error codes: in a body field they say more than in passing.
    for field in &x.body {
        let lower = field.value.value.to_ascii_lowercase();
        if !code_hits
            .iter()
            .any(|(_, e, _)| e.start == field.value.start)
            && d.by_code.contains_key(&lower)
        {
            code_hits.push((lower, found_ev("error_code", &field.value), true));
        }
    }
    for (code, evidence, in_body) in &code_hits {
        let generic = d.generic_codes.iter().any(|g| g == code);
        let weight = match (generic, in_body) {
            (true, _) => w::CODE_GENERIC,
            (false, true) => w::CODE_IN_BODY,
            (false, false) => w::CODE_IN_TEXT,
        };
        for &at in d.by_code.get(code).into_iter().flatten() {
            cands.entry(at).or_default().add(weight, evidence.clone());
        }
    }

    // The provider's own entries are candidates when the status agrees.
    if let Some(p) = guess.provider {
        for &at in d.by_provider.get(&p).into_iter().flatten() {
            let status = d.entries[at].http_status;
            if x.statuses.iter().any(|s| Some(s.value) == status) {
                cands.entry(at).or_default();
            }
        }
    }

    // Through a wrapper (LiteLLM, LangChain): when some candidates are that wrapper's
    // variant of an error (`…-litellm`, `…-langchain`), the others fit less well.
    let through = |at: usize, t: Provider| {
        d.entries[at]
            .exceptions
            .iter()
            .any(|e| transport_sdk(&e.sdk) == Some(t))
    };
    let wrapper = guess
        .via
        .filter(|&t| t != Provider::Openai && cands.keys().any(|&at| through(at, t)));
    let other_google_api = names_other_google_api(&text);

    let mut scored: Vec<(usize, f32, Candidate)> = Vec::with_capacity(cands.len());
    for (at, mut c) in cands {
        let entry = &d.entries[at];
        c.penalty = 1.0;
        let own_status = x
            .statuses
            .iter()
            .find(|s| Some(s.value) == entry.http_status);
        match (own_status, entry.http_status) {
            (Some(status), _) => {
                c.status_match = true;
                c.add(w::STATUS, found_ev("http_status", status));
            }
            _ if x.statuses.is_empty() => {}
            (None, Some(_)) if c.message => c.penalty *= w::OTHER_STATUS_BESIDE_MESSAGE,
            (None, Some(_)) => c.penalty *= w::OTHER_STATUS,
            (None, None) => c.penalty *= w::STATUS_WITHOUT_HTTP,
        }
        if wrapper.is_some_and(|t| !through(at, t)) {
            c.penalty *= w::OTHER_TRANSPORT;
        }
        if other_google_api && matches!(entry.provider, Provider::Google | Provider::Vertex) {
            c.penalty *= w::OTHER_GOOGLE_API;
        }
        let mut agree = false;
        if let Some(p) = guess.provider {
            if p == entry.provider {
                agree = guess.confidence >= 0.5;
                c.weights.push(w::PROVIDER * guess.confidence);
                for e in &guess.evidence {
                    if !c.evidence.contains(e) {
                        c.evidence.push(e.clone());
                    }
                }
            } else {
                c.penalty *= 1.0 - w::OTHER_PROVIDER * guess.confidence;
            }
        }
        if let Some(sdk) = &x.sdk {
            let same: Vec<_> = entry
                .exceptions
                .iter()
                .filter(|e| e.sdk == sdk.sdk)
                .collect();
            if !same.is_empty() && sdk.version.is_some() {
                if same.iter().any(|e| e.versions.intersects(&sdk.versions)) {
                    c.version_fits = true;
                    c.add(w::VERSION_FITS, found_ev("sdk_version", &sdk.evidence));
                } else if c.message {
                    c.penalty *= w::OTHER_VERSION_BESIDE_MESSAGE;
                } else {
                    c.penalty *= w::OTHER_VERSION;
                }
            }
        }
        // The body names its error code, and it is not one of this entry's.
        // (A code shared by several kinds is no contradiction when it is this entry's:
        // Groq's 413 and 429 both say `rate_limit_exceeded`, beside `type: tokens`.)
        if !entry.codes.is_empty() {
            let body_codes: Vec<String> = x
                .body
                .iter()
                .filter(|f| matches!(f.key.as_str(), "code" | "type" | "error_code" | "reason"))
                .map(|f| f.value.value.to_ascii_lowercase())
                .collect();
            let specific = body_codes
                .iter()
                .any(|v| !d.generic_codes.contains(v) && v.len() >= 4);
            // gRPC statuses are written both ways: `RESOURCE_EXHAUSTED`, `ResourceExhausted`.
            let bare = |c: &str| c.replace(['_', '-'], "");
            let own = |v: &String| entry.codes.iter().any(|c| bare(c) == bare(v));
            let generic = body_codes.iter().any(|v| d.generic_codes.contains(v));
            if !body_codes.iter().any(own) {
                if specific {
                    c.penalty *= w::OTHER_CODE;
                } else if generic {
                    c.penalty *= w::OTHER_GENERIC_CODE;
                }
            }
        }
        let status_names = own_status.is_some_and(|s| status_kind(s.value) == Some(entry.kind));
        let mut confidence = noisy_or(&c.weights) * c.penalty;
        let specific = c.specific || (c.library_class && agree);
        if !(specific || (agree && c.status_match && status_names)) {
            confidence = confidence.min(w::GENERIC_CAP);
        }
        let confidence = (confidence * 1000.0).round() / 1000.0;
        scored.push((at, confidence, c));
    }

    // Best first; between entries that differ only by SDK range, the one whose range
    // fits (or, with no version visible, the newer range) wins a tie.
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.version_fits.cmp(&a.2.version_fits))
            .then_with(|| newest(d, b.0).cmp(&newest(d, a.0)))
            .then_with(|| d.entries[a.0].id.cmp(&d.entries[b.0].id))
    });

    let named = scored.first().is_some_and(|s| s.1 >= THRESHOLD);
    let mut matches = Vec::new();
    let mut suggestions: Vec<EntryId> = Vec::new();
    for (at, confidence, mut c) in scored.into_iter().take(5) {
        let entry = &d.entries[at];
        if named {
            if confidence < RUNNER_UP_FLOOR && !matches.is_empty() {
                break;
            }
            c.evidence.sort_by_key(|e| (e.start, e.end));
            // The same clue repeated (a package path in every frame) is shown once, where
            // it first appears.
            let mut seen: Vec<(String, String)> = Vec::new();
            c.evidence.retain(|e| {
                let key = (e.signal.clone(), e.value.to_ascii_lowercase());
                let new = !seen.contains(&key);
                if new {
                    seen.push(key);
                }
                new
            });
            matches.push(Match {
                id: entry.id.clone(),
                provider: entry.provider,
                kind: entry.kind,
                title: entry.title.clone(),
                confidence,
                quick_fix: entry.quick_fix.clone(),
                evidence: c.evidence,
            });
        } else if confidence >= 0.1 && suggestions.len() < 3 {
            suggestions.push(entry.id.clone());
        }
    }

    let facts = Facts {
        language: x
            .language
            .or(x.sdk.as_ref().map(|s| s.language))
            .map(|l| l.as_str()),
        sdk: x.sdk.as_ref().map(|s| s.sdk.to_string()),
        sdk_version: x.sdk.as_ref().and_then(|s| s.version.clone()),
        http_status: x.status.as_ref().map(|s| s.value),
        request_id: x.request_id.as_ref().map(|s| s.value.clone()),
        model: x.model.as_ref().map(|s| s.value.clone()),
        provider: guess.provider,
        via: guess.via,
        provider_evidence: dedup(guess.evidence),
        hosts: x.hosts.iter().map(|h| h.value.clone()).collect(),
        env_vars: x.env_vars.iter().map(|h| h.value.clone()).collect(),
        exception: raised.map(|r| r.value),
        exception_chain: x.chain.iter().map(|e| e.value.clone()).collect(),
        error_type: x.error_type().map(str::to_string),
        error_code: x.error_code().map(str::to_string),
    };
    let _: &Extracted = &x;
    Diagnosis {
        text,
        matches,
        facts,
        suggestions,
    }
}

fn dedup(mut evidence: Vec<Evidence>) -> Vec<Evidence> {
    evidence.sort_by(|a, b| (a.start, a.end, &a.signal).cmp(&(b.start, b.end, &b.signal)));
    evidence.dedup_by(|a, b| a.start == b.start && a.signal == b.signal);
    evidence.truncate(16);
    evidence
}

/// The newest SDK version an entry's ranges allow, for tie-breaking.
fn newest(d: &Diagnoser, at: usize) -> (u64, u64) {
    d.entries[at]
        .exceptions
        .iter()
        .filter_map(|e| e.versions.newest())
        .max()
        .unwrap_or((0, 0))
}
