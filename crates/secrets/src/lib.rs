//! Secrets in pasted text: the API-key formats of the LLM providers ([`KEY_FORMATS`]),
//! finding every secret in a text ([`find_secrets`]) and redacting it ([`redact`]).
//!
//! What counts as a secret: a token of a known key format; the value of a `?key=` (and
//! similar) URL parameter; a bearer token; the value of an `x-api-key`, `api-key`,
//! `Authorization` (or similar) header or assignment; and a long high-entropy token right
//! after a word such as key, token or secret.
//!
//! One rule decides what stays visible ([`mask`]), shared by diagnosis, `errdex doctor`
//! and the notes filter: at most the recognised prefix and the last 4 characters, and
//! never more than a quarter of the token. Pure: no I/O, no allocation beyond the output.

mod formats;

pub use formats::{identify, is_well_formed, KeyFormat, KEY_FORMATS};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::sync::OnceLock;

/// What replaces the hidden part of a token. `*` never occurs in a key, so redacted text
/// is not redacted again.
pub const MASK: &str = "****";

/// One secret found in a text: byte offsets of the token (without its label) in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secret {
    pub start: usize,
    pub end: usize,
    /// The [`KeyFormat::name`] when the token has a known format; `None` for a secret
    /// recognised by where it stands (bearer token, header, URL parameter, entropy).
    pub format: Option<&'static str>,
    /// How many leading characters are the recognised prefix (0 when none).
    pub prefix_len: usize,
}

/// A span of the redacted text that replaced a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedactedSpan {
    pub start: usize,
    pub end: usize,
    pub format: Option<&'static str>,
}

/// A text with every secret masked, and where the masks are (offsets in `text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub spans: Vec<RedactedSpan>,
}

/// The one rule: keep at most the recognised prefix and the last 4 characters, and never
/// more than a quarter of the token; the rest becomes [`MASK`].
pub fn mask(token: &str, prefix_len: usize) -> String {
    let chars: Vec<char> = token.chars().collect();
    let budget = chars.len() / 4;
    let prefix = prefix_len.min(budget);
    let suffix = 4.min(budget - prefix);
    let mut out = String::with_capacity(prefix + MASK.len() + suffix + 8);
    out.extend(&chars[..prefix]);
    out.push_str(MASK);
    out.extend(&chars[chars.len() - suffix..]);
    out
}

/// Every secret in `text`, in order, not overlapping.
pub fn find_secrets(text: &str) -> Vec<Secret> {
    let m = matchers();
    let mut found: Vec<Secret> = Vec::new();

    // One pass of one automaton finds every word that can start or label a secret.
    let bytes = text.as_bytes();
    let mut prefix_lines: Vec<(usize, &str)> = Vec::new();
    let mut label_lines: Vec<(usize, &str)> = Vec::new();
    let mut context_ends: Vec<usize> = Vec::new();
    for hit in m.words.find_overlapping_iter(text) {
        let (word, flags) = m.word_flags[hit.pattern().as_usize()];
        if flags & PREFIX != 0 && &text[hit.start()..hit.end()] == word {
            push_line(&mut prefix_lines, text, bytes, hit.start());
        }
        if flags & LABEL != 0 {
            push_line(&mut label_lines, text, bytes, hit.start());
        }
        if flags & CONTEXT != 0 {
            context_ends.push(hit.end());
        }
    }

    // Known formats: one regex, alternatives ordered longest prefix first, run only on
    // the lines where a prefix occurs (most lines of a traceback have none).
    for &(at, line) in &prefix_lines {
        for hit in m.formats.find_iter(line) {
            let (start, end) = (at + hit.start(), at + hit.end());
            if followed_by_mask(text, end) {
                continue;
            }
            let format = identify(hit.as_str());
            found.push(Secret {
                start,
                end,
                format: format.map(|f| f.name),
                prefix_len: format.map_or(0, |f| f.prefix.len()),
            });
        }
    }

    // Secrets recognised by their label: bearer, headers, assignments, URL parameters.
    for &(at, line) in &label_lines {
        for caps in m.labelled.captures_iter(line) {
            // Three alternatives, one group each: take whichever matched.
            let Some(value) = caps.get(1).or_else(|| caps.get(2)).or_else(|| caps.get(3)) else {
                continue;
            };
            let (start, end) = (at + value.start(), at + value.end());
            if followed_by_mask(text, end) || is_placeholder(value.as_str()) {
                continue;
            }
            let format = identify(value.as_str());
            found.push(Secret {
                start,
                end,
                format: format.map(|f| f.name),
                prefix_len: format.map_or(0, |f| f.prefix.len()),
            });
        }
    }

    // Long high-entropy tokens right after key/token/secret.
    for end in context_ends {
        if let Some((start, end)) = token_after(text, end) {
            found.push(Secret {
                start,
                end,
                format: None,
                prefix_len: 0,
            });
        }
    }

    found.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut merged: Vec<Secret> = Vec::with_capacity(found.len());
    for s in found {
        match merged.last_mut() {
            Some(last) if s.start < last.end => {
                if s.end > last.end {
                    last.end = s.end;
                }
            }
            _ => merged.push(s),
        }
    }
    merged
}

const PREFIX: u8 = 1;
const LABEL: u8 = 2;
const CONTEXT: u8 = 4;

/// Adds the line around `at` unless it is the last one added.
fn push_line<'t>(lines: &mut Vec<(usize, &'t str)>, text: &'t str, bytes: &[u8], at: usize) {
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    if lines.last().is_some_and(|(s, _)| *s == start) {
        return;
    }
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    lines.push((start, &text[start..end]));
}

/// `text` with every secret masked by the rule of [`mask`].
pub fn redact(text: &str) -> Redacted {
    let secrets = find_secrets(text);
    if secrets.is_empty() {
        return Redacted {
            text: text.to_string(),
            spans: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::with_capacity(secrets.len());
    let mut at = 0;
    for s in secrets {
        out.push_str(&text[at..s.start]);
        let start = out.len();
        out.push_str(&mask(&text[s.start..s.end], s.prefix_len));
        spans.push(RedactedSpan {
            start,
            end: out.len(),
            format: s.format,
        });
        at = s.end;
    }
    out.push_str(&text[at..]);
    Redacted { text: out, spans }
}

struct Matchers {
    /// Key prefixes (case-sensitive, checked after the match), label words and context
    /// words, in one automaton so that the text is read once.
    words: AhoCorasick,
    word_flags: Vec<(&'static str, u8)>,
    formats: Regex,
    labelled: Regex,
}

fn matchers() -> &'static Matchers {
    static M: OnceLock<Matchers> = OnceLock::new();
    M.get_or_init(|| {
        let mut prefixes: Vec<(&str, usize)> = Vec::new();
        for f in KEY_FORMATS {
            match prefixes.iter_mut().find(|(p, _)| *p == f.prefix) {
                Some((_, min)) => *min = (*min).min(f.min_body),
                None => prefixes.push((f.prefix, f.min_body)),
            }
        }
        prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let alternatives: Vec<String> = prefixes
            .iter()
            .map(|(p, min)| format!("{}[A-Za-z0-9_-]{{{min},}}", regex::escape(p)))
            .collect();
        let formats = Regex::new(&format!(
            r"(?-u:\b)(?:{})(?:[A-Za-z0-9_-]*)",
            alternatives.join("|")
        ))
        .expect("valid key-format regex");
        let labelled = Regex::new(concat!(
            // Bearer tokens anywhere (headers, curl -H, logs).
            r"(?i)(?:(?-u:\b)bearer\s+([A-Za-z0-9._~+/=-]{8,}))",
            // Header, JSON key, dict key or assignment, optionally with an auth scheme.
            r#"|(?i)(?:(?:x-api-key|x-goog-api-key|api-key|apikey|api_key|x-auth-token|authorization|proxy-authorization|access_token|auth_token|client_secret|secret_key|password|[a-z0-9_]*_(?:api_key|token|secret|access_key))["']?\s*[:=]\s*["']?(?:(?:basic|token)\s+)?([A-Za-z0-9._~+/=-]{8,}))"#,
            // URL parameters.
            r"|(?i)(?:[?&](?:key|api_key|apikey|api-key|access_token|token|auth|sig|signature)=([A-Za-z0-9._~+/=%-]{4,}))",
        ))
        .expect("valid label regex");
        let mut word_flags: Vec<(&'static str, u8)> = Vec::new();
        let mut add = |word: &'static str, flag: u8| match word_flags.iter_mut().find(|(w, _)| w.eq_ignore_ascii_case(word)) {
            Some((_, flags)) => *flags |= flag,
            None => word_flags.push((word, flag)),
        };
        for (p, _) in &prefixes {
            add(p, PREFIX);
        }
        for w in ["bearer", "key", "authorization", "token", "secret", "password", "sig", "auth"] {
            add(w, LABEL);
        }
        for w in ["key", "token", "secret", "password", "credential", "credentials", "cohere"] {
            add(w, CONTEXT);
        }
        let words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(word_flags.iter().map(|(w, _)| w))
            .expect("words");
        Matchers {
            words,
            word_flags,
            formats,
            labelled,
        }
    })
}

/// A value that is already masked continues with `*`.
fn followed_by_mask(text: &str, end: usize) -> bool {
    text.as_bytes().get(end) == Some(&b'*')
}

/// Values that are obviously not secrets: `None`, `null`, environment lookups.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    matches!(
        v.to_ascii_lowercase().as_str(),
        "none" | "null" | "undefined" | "true" | "false" | "redacted" | "<redacted>"
    ) || v.starts_with("os.")
        || v.starts_with("process.env")
}

/// Words that may stand between a context word and its value: `API key provided: …`.
const FILLERS: &[&str] = &[
    "provided",
    "is",
    "was",
    "used",
    "value",
    "of",
    "for",
    "the",
    "your",
    "api",
    "key",
    "token",
    "id",
    "secret",
    "given",
    "invalid",
    "incorrect",
];

/// Identifier prefixes that are not secrets although they look random: request, message,
/// tool-use, organisation and session ids that errors print next to the word key/token.
const NOT_SECRET_PREFIXES: &[&str] = &[
    "req_",
    "req-",
    "msg_",
    "toolu_",
    "chatcmpl-",
    "org-",
    "org_",
    "sess_",
    "run_",
    "thread_",
    "asst_",
    "file-",
    "batch_",
    "resp_",
    "call_",
    "cmpl-",
];

/// The high-entropy token following a context word that ends at `from`, if any.
fn token_after(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // The context word must not be the middle of a longer word (`monkey`, `tokenizer`):
    // after it, no letter.
    if bytes.get(from).is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut i = from;
    let mut fillers = 0;
    loop {
        // Separators: spaces, quotes, punctuation that labels use.
        let sep_start = i;
        while i < bytes.len()
            && matches!(
                bytes[i],
                b' ' | b'\t'
                    | b':'
                    | b'='
                    | b'"'
                    | b'\''
                    | b'`'
                    | b'('
                    | b'['
                    | b'{'
                    | b','
                    | b'-'
                    | b'_'
            )
        {
            i += 1;
            if i - sep_start > 6 {
                return None;
            }
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        if start == i {
            return None;
        }
        let word = &text[start..i];
        if FILLERS.iter().any(|f| word.eq_ignore_ascii_case(f)) && fillers < 3 {
            fillers += 1;
            continue;
        }
        if bytes.get(i) == Some(&b'*') {
            return None;
        }
        return is_high_entropy(word).then_some((start, i));
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'=' | b'.')
}

/// Long, mixed letters and digits, and random-looking (Shannon entropy of at least 3.5
/// bits per character), not a path, URL or known id.
fn is_high_entropy(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    if word.len() < 20 || word.len() > 512 {
        return false;
    }
    if NOT_SECRET_PREFIXES.iter().any(|p| word.starts_with(p)) {
        return false;
    }
    if word.matches('/').count() > 1 || word.contains("..") {
        return false;
    }
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    let letters = word.bytes().filter(u8::is_ascii_alphabetic).count();
    if digits == 0 || letters == 0 {
        return false;
    }
    let mut counts = [0u32; 256];
    for b in word.bytes() {
        counts[b as usize] += 1;
    }
    let n = word.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANT: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLAA";

    #[test]
    fn the_rule_keeps_prefix_and_last_four_within_a_quarter() {
        assert_eq!(mask(ANT, 13), format!("sk-ant-api03-{MASK}KLAA"));
        // 16 characters: a quarter is 4, so only 4 characters of the prefix remain.
        assert_eq!(mask("sk-proj-mock-key", 8), format!("sk-p{MASK}"));
        assert_eq!(mask("abcdefghijklmnop", 0), format!("{MASK}mnop"));
        assert_eq!(mask("abc", 0), MASK);
    }

    #[test]
    fn every_format_is_identified() {
        assert_eq!(identify(ANT).unwrap().name, "anthropic-api-key");
        let proj = format!("sk-proj-{}T3BlbkFJ{}", "a".repeat(58), "b".repeat(58));
        assert_eq!(identify(&proj).unwrap().provider, "openai");
        let groq = format!("gsk_{}", "A1".repeat(26));
        assert_eq!(identify(&groq).unwrap().provider, "groq");
        assert_eq!(
            identify("AIzaSyA1234567890abcdefghijklmnopqrstu")
                .unwrap()
                .provider,
            "google"
        );
        assert_eq!(
            identify("sk-0123456789abcdef0123456789abcdef")
                .unwrap()
                .provider,
            "deepseek"
        );
        assert_eq!(
            identify("fw_3ZkQm9XwR2pLs8TnV4yB6cDe").unwrap().provider,
            "fireworks"
        );
        assert!(identify("hello").is_none());
    }

    #[test]
    fn keys_of_known_formats_are_masked() {
        let text = format!(
            "client = Anthropic(api_key=\"{ANT}\")\nGROQ gsk_{} done",
            "x9".repeat(26)
        );
        let r = redact(&text);
        assert!(!r.text.contains("abcdefghijklmnop"), "{}", r.text);
        assert!(!r.text.contains("x9x9x9x9"), "{}", r.text);
        assert!(
            r.text.contains(&format!("sk-ant-api03-{MASK}KLAA")),
            "{}",
            r.text
        );
        assert_eq!(r.spans.len(), 2);
        for s in &r.spans {
            assert!(r.text[s.start..s.end].contains(MASK));
        }
    }

    #[test]
    fn labelled_secrets_are_masked() {
        let cases = [
            "curl -H 'Authorization: Bearer abc123def456ghi789jkl' https://x",
            "x-api-key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "GET https://generativelanguage.googleapis.com/v1/models?key=Zq8vN3xT5kL9mP2rW7yB&alt=sse",
            "{'api-key': 'c0ffee15bad1dea5c0ffee15bad1dea5'}",
            "MY_SERVICE_TOKEN=tok3n-v4lu3-th4t-1s-l0ng",
            "Incorrect API key provided: q8F3kLx92VbN4mTz7RwP1sYc. You can find",
        ];
        for text in cases {
            let r = redact(text);
            assert!(r.text.contains(MASK), "not redacted: {text}\n→ {}", r.text);
        }
        let r = redact("curl -H 'Authorization: Bearer abc123def456ghi789jkl' https://x");
        assert!(!r.text.contains("abc123def456"), "{}", r.text);
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let cases = [
            "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011MockAnthropicReqId'}",
            "The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable",
            "Incorrect API key provided: sk-proj-****mock. You can find your API key at https://platform.openai.com/account/api-keys.",
            "  File \"/home/dev/.venv/lib/python3.11/site-packages/anthropic/_base_client.py\", line 1346, in _request",
            "task-management-service-v2 risk-assessment-pipeline",
            "max_tokens: Field required",
        ];
        for text in cases {
            let r = redact(text);
            assert_eq!(r.text, text);
        }
    }

    #[test]
    fn redaction_is_idempotent() {
        let text = format!("key={ANT} and Bearer abcdefghij0123456789");
        let once = redact(&text).text;
        assert_eq!(redact(&once).text, once);
    }
}
