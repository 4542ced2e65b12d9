//! What each tool does, apart from the protocol: parameters in, an [`Answer`] (Markdown
//! for the model to read, JSON for programs) or a [`ToolError`] (a message that says
//! what to do next) out. Unit-tested here without a transport.

use crate::markdown;
use errdex_diagnose::{Diagnoser, Diagnosis};
use errdex_entry::views::{EntryView, ListItem};
use errdex_entry::{nearest_ids, Entry, EntryId, Index, Kind, Provider, Resolved};
use errdex_search::Searcher;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The largest `text` that `diagnose` accepts (1 MiB): a traceback or a log excerpt is far
/// smaller, and a model should send the failing part, not a whole log.
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// The largest id or query, in bytes.
pub const MAX_SHORT_BYTES: usize = 1024;

/// A tool's successful result.
#[derive(Debug)]
pub struct Answer {
    /// For the model to read.
    pub markdown: String,
    /// The same answer as data (`structuredContent`).
    pub structured: Value,
}

/// A tool call that cannot be answered; returned as an MCP tool error (`isError: true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError(pub String);

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The resource URI of an entry.
pub fn uri(id: &EntryId) -> String {
    format!("errdex://errors/{}/{}", id.provider, id.slug)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DiagnoseParams {
    /// The error exactly as it was printed: a whole traceback (with its last line), an
    /// exception message, an HTTP error body, or a few lines of log around the failure.
    /// Up to 1 MiB. API keys in it are redacted before anything is returned.
    pub text: String,
    /// How many candidate entries to return, best first (1–10, default 3).
    #[serde(default)]
    pub top: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetErrorParams {
    /// The entry id, `<provider>/<slug>`, e.g. `anthropic/authentication-error` (from
    /// `diagnose`, `search` or `list_errors`). Retired and renamed ids lead to the
    /// entry that replaced them.
    pub id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchParams {
    /// Words to look for: an exception class, an error code, a message fragment or a
    /// description ("anthropic overloaded 529", "insufficient_quota").
    pub query: String,
    /// How many results at most (1–50, default 10).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListErrorsParams {
    /// Only this provider's entries.
    #[serde(default)]
    #[schemars(schema_with = "provider_schema")]
    pub provider: Option<String>,
    /// Only entries of this kind.
    #[serde(default)]
    #[schemars(schema_with = "kind_schema")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CheckKeysParams {
    /// Providers whose key must be present: reported as missing when not set, and the
    /// report is limited to them. Empty or absent: every provider whose variables are set.
    #[serde(default)]
    #[schemars(schema_with = "providers_schema")]
    pub providers: Option<Vec<String>>,
}

fn provider_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let all: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": all, "description": "Only this provider's entries." })
}

fn kind_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": all, "description": "Only entries of this kind." })
}

fn providers_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let all: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
    schemars::json_schema!({
        "type": "array",
        "items": { "type": "string", "enum": all },
        "description": "Providers whose key must be present (reported as missing when not set); the report is limited to them. Absent: every provider whose variables are set."
    })
}

/// The knowledge base with its diagnoser and search index, each built on first use.
pub struct Knowledge {
    index: &'static Index,
    diagnoser: OnceLock<Diagnoser>,
    searcher: OnceLock<Result<Searcher, String>>,
}

impl Knowledge {
    pub fn new(index: &'static Index) -> Self {
        Knowledge {
            index,
            diagnoser: OnceLock::new(),
            searcher: OnceLock::new(),
        }
    }

    pub fn index(&self) -> &'static Index {
        self.index
    }

    fn diagnoser(&self) -> &Diagnoser {
        self.diagnoser.get_or_init(|| Diagnoser::new(self.index))
    }

    fn searcher(&self) -> Result<&Searcher, ToolError> {
        self.searcher
            .get_or_init(|| Searcher::new(&self.index.entries).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ToolError(format!("the search index could not be built: {e}")))
    }

    /// The entry an id leads to, and a note when it was retired or renamed; an unknown id
    /// is an error that names the nearest ids.
    pub fn resolve(&self, id: &str) -> Result<(&'static Entry, Option<String>), ToolError> {
        let index = self.index;
        let trimmed = id.trim();
        let resolved = trimmed.parse::<EntryId>().ok().and_then(|id| {
            let id = index.all_ids().find(|known| **known == id)?;
            index.resolve(id)
        });
        match resolved {
            Some(Resolved::Entry(entry)) => Ok((entry, None)),
            Some(Resolved::Moved { from, to, retired }) => {
                let why = if retired.is_some() {
                    "was retired"
                } else {
                    "was renamed"
                };
                Ok((
                    to,
                    Some(format!(
                        "`{from}` {why}; this is its successor `{}`.",
                        to.id
                    )),
                ))
            }
            None => {
                let near = nearest_ids(trimmed, index.all_ids(), 5);
                let mut message = format!("No entry `{}`.", echo(trimmed));
                if near.is_empty() {
                    message.push_str(
                        " Ids look like `anthropic/authentication-error`; call `search` with words from the error, or `list_errors`.",
                    );
                } else {
                    let near: Vec<String> = near.iter().map(|id| format!("`{id}`")).collect();
                    message.push_str(&format!(" The nearest ids: {}.", near.join(", ")));
                }
                Err(ToolError(message))
            }
        }
    }
}

/// Input quoted back in a message: redacted and cut short.
fn echo(text: &str) -> String {
    let redacted = errdex_secrets::redact(text).text;
    let mut short: String = redacted.chars().take(80).collect();
    if short.len() < redacted.len() {
        short.push('…');
    }
    short
}

fn too_large(what: &str, len: usize, max: usize) -> ToolError {
    ToolError(format!(
        "`{what}` is {len} bytes; the limit is {max}. Send only the failing part: the traceback with its last line, or the lines of log around the error."
    ))
}

/// `diagnose`: which entries the text may be, best first.
pub fn diagnose(k: &Knowledge, p: &DiagnoseParams) -> Result<Answer, ToolError> {
    if p.text.len() > MAX_TEXT_BYTES {
        return Err(too_large("text", p.text.len(), MAX_TEXT_BYTES));
    }
    if p.text.trim().is_empty() {
        return Err(ToolError(
            "`text` is empty: paste the error as it was printed (traceback, message or log lines)."
                .into(),
        ));
    }
    let top = p.top.unwrap_or(3).clamp(1, 10) as usize;
    let mut d = k.diagnoser().diagnose(p.text.as_bytes());
    d.matches.truncate(top);
    fill_suggestions(k, &mut d);
    let top_entry = d.matches.first().and_then(|m| k.index.get(&m.id));

    // The object of docs/diagnosis.md (`text` is the redacted input every offset points
    // into), with additions only: each match's resource, each evidence's line, and `top`.
    let mut value = serde_json::to_value(&d).map_err(|e| ToolError(e.to_string()))?;
    if let Some(matches) = value["matches"].as_array_mut() {
        for (m, dm) in matches.iter_mut().zip(&d.matches) {
            m["resource"] = json!(uri(&dm.id));
            if let Some(ev) = m["evidence"].as_array_mut() {
                for (e, de) in ev.iter_mut().zip(&dm.evidence) {
                    e["line"] = json!(line_of(&d.text, de.start));
                }
            }
        }
    }
    value["top"] = match top_entry {
        Some(e) => json!({
            "id": e.id.to_string(),
            "title": e.title,
            "summary": e.summary,
            "quick_fix": e.sections.quick_fix,
            "causes": e.sections.causes,
            "resource": uri(&e.id),
        }),
        None => Value::Null,
    };

    let mut md = String::new();
    match (d.matches.first(), top_entry) {
        (Some(m), Some(e)) => {
            md.push_str(&format!(
                "**`{}`** — {} (confidence {:.2})\n\n{}\n\n",
                m.id, m.title, m.confidence, e.summary
            ));
            if !m.evidence.is_empty() {
                md.push_str("Evidence:\n");
                for ev in &m.evidence {
                    let value: String = ev.value.chars().take(100).collect();
                    md.push_str(&format!(
                        "- {} `{}` (line {})\n",
                        ev.signal,
                        value.replace('`', "'"),
                        line_of(&d.text, ev.start)
                    ));
                }
                md.push('\n');
            }
            md.push_str(&format!(
                "### Quick fix\n\n{}\n\n",
                e.sections.quick_fix.trim()
            ));
            md.push_str("### Causes & fixes\n\n");
            for (n, c) in e.sections.causes.iter().enumerate() {
                md.push_str(&format!(
                    "{}. {}\n   **Fix:** {}\n",
                    n + 1,
                    c.cause.split_whitespace().collect::<Vec<_>>().join(" "),
                    c.fix.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
            if d.matches.len() > 1 {
                md.push_str("\nOther candidates:\n");
                for o in &d.matches[1..] {
                    md.push_str(&format!(
                        "- `{}` — {} (confidence {:.2})\n",
                        o.id, o.title, o.confidence
                    ));
                }
            }
            md.push_str(&format!(
                "\nThe whole entry (why it happens, detection, broken and fixed code, prevention): `get_error` with id `{}`.\n",
                m.id
            ));
        }
        _ => {
            md.push_str(
                "**errdex does not know this error.** No entry matched with enough confidence; a wrong page would be worse than none, so do not apply another error's fixes.\n",
            );
            if !d.suggestions.is_empty() {
                md.push_str("\nNearest entries, only if they clearly fit:\n");
                for id in &d.suggestions {
                    let title = k.index.get(id).map_or("", |e| e.title.as_str());
                    md.push_str(&format!("- `{id}` — {title}\n"));
                }
            }
        }
    }
    let facts = facts_line(&d);
    if !facts.is_empty() {
        md.push_str(&format!("\nFacts found in the text: {facts}\n"));
    }
    Ok(Answer {
        markdown: md,
        structured: value,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// With no match, the diagnoser's near candidates, then full-text search over the
/// exception class, the error type and code (words only: no query syntax leaks in).
fn fill_suggestions(k: &Knowledge, d: &mut Diagnosis) {
    if !d.matches.is_empty() || d.suggestions.len() >= 3 {
        return;
    }
    let mut words: Vec<&str> = Vec::new();
    let f = &d.facts;
    for s in [&f.exception, &f.error_type, &f.error_code]
        .into_iter()
        .flatten()
    {
        words.extend(
            s.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .filter(|w| w.len() >= 3),
        );
    }
    if words.is_empty() {
        return;
    }
    let query = words.join(" ");
    let Ok(searcher) = k.searcher() else {
        return;
    };
    for hit in searcher.search(&query, 3).unwrap_or_default() {
        if d.suggestions.len() < 3 && !d.suggestions.contains(&hit.id) {
            d.suggestions.push(hit.id);
        }
    }
}

fn facts_line(d: &Diagnosis) -> String {
    let f = &d.facts;
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = f.provider {
        parts.push(match f.via {
            Some(via) => format!("provider {p} (via {via})"),
            None => format!("provider {p}"),
        });
    }
    if let Some(sdk) = &f.sdk {
        parts.push(match &f.sdk_version {
            Some(v) => format!("SDK {sdk} {v}"),
            None => format!("SDK {sdk}"),
        });
    }
    if let Some(s) = f.http_status {
        parts.push(format!("HTTP {s}"));
    }
    if let Some(e) = &f.exception {
        parts.push(format!("`{e}`"));
    }
    if let Some(m) = &f.model {
        parts.push(format!("model {m}"));
    }
    if let Some(r) = &f.request_id {
        parts.push(format!("request id {r}"));
    }
    parts.join(" · ")
}

/// `get_error`: the whole entry.
pub fn get_error(k: &Knowledge, p: &GetErrorParams) -> Result<Answer, ToolError> {
    if p.id.len() > MAX_SHORT_BYTES {
        return Err(too_large("id", p.id.len(), MAX_SHORT_BYTES));
    }
    let (entry, note) = k.resolve(&p.id)?;
    let mut md = String::new();
    if let Some(note) = &note {
        md.push_str(&format!("> {note}\n\n"));
    }
    md.push_str(&markdown::entry(entry));
    let mut structured =
        serde_json::to_value(EntryView::new(entry)).map_err(|e| ToolError(e.to_string()))?;
    structured["resource"] = json!(uri(&entry.id));
    if let Some(note) = note {
        structured["moved_from"] = json!(p.id.trim());
        structured["note"] = json!(note);
    }
    Ok(Answer {
        markdown: md,
        structured,
    })
}

#[derive(Serialize)]
struct SearchResult<'a> {
    id: String,
    title: &'a str,
    /// The entry's one-line meaning.
    summary: &'a str,
    provider: &'static str,
    kind: &'static str,
    score: f32,
}

/// `search`: ranked entries for free text.
pub fn search(k: &Knowledge, p: &SearchParams) -> Result<Answer, ToolError> {
    if p.query.len() > MAX_SHORT_BYTES {
        return Err(too_large("query", p.query.len(), MAX_SHORT_BYTES));
    }
    if p.query.trim().is_empty() {
        return Err(ToolError(
            "`query` is empty: give words from the error (class, code, message).".into(),
        ));
    }
    let limit = p.limit.unwrap_or(10).clamp(1, 50) as usize;
    let hits = k
        .searcher()?
        .search(&p.query, limit)
        .map_err(|e| ToolError(e.to_string()))?;
    let results: Vec<SearchResult> = hits
        .iter()
        .filter_map(|h| {
            let e = k.index.get(&h.id)?;
            Some(SearchResult {
                id: h.id.to_string(),
                title: &e.title,
                summary: &e.summary,
                provider: e.provider.as_str(),
                kind: e.kind.as_str(),
                score: h.score,
            })
        })
        .collect();
    let mut md = String::new();
    if results.is_empty() {
        md.push_str(&format!(
            "No entry matches `{}`. Try fewer or other words, or `list_errors`.\n",
            echo(&p.query)
        ));
    }
    for r in &results {
        md.push_str(&format!("- `{}` — {}: {}\n", r.id, r.title, r.summary));
    }
    Ok(Answer {
        markdown: md,
        structured: json!({ "results": results }),
    })
}

/// `list_errors`: the current entries, optionally by provider and kind.
pub fn list_errors(k: &Knowledge, p: &ListErrorsParams) -> Result<Answer, ToolError> {
    let provider = match p.provider.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Provider::parse(text).ok_or_else(|| {
            ToolError(format!(
                "Unknown provider `{}`; one of: {}.",
                echo(text),
                Provider::expected()
            ))
        })?),
    };
    let kind = match p.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Kind::parse(text).ok_or_else(|| {
            ToolError(format!(
                "Unknown kind `{}`; one of: {}.",
                echo(text),
                Kind::expected()
            ))
        })?),
    };
    let items: Vec<ListItem> = k.index.current(provider, kind).map(ListItem::new).collect();
    let mut md = String::new();
    for i in &items {
        let status = i
            .http_status
            .map_or(String::new(), |s| format!(", HTTP {s}"));
        md.push_str(&format!(
            "- `{}` — {} ({}{status})\n",
            i.id, i.title, i.kind
        ));
    }
    md.push_str(&format!("\n{} entries.\n", items.len()));
    Ok(Answer {
        markdown: md,
        structured: json!({ "entries": items }),
    })
}

/// What `check_keys` looks at: the variables of the process and the directory whose
/// `.env` and `.env.local` are read.
#[derive(Debug, Clone)]
pub struct KeyEnvironment {
    /// Only variables the doctor knows are kept (the rest never enters a report).
    pub vars: Vec<(String, String)>,
    pub dir: PathBuf,
}

impl KeyEnvironment {
    /// The server's own environment and working directory.
    pub fn of_process() -> Result<Self, ToolError> {
        let dir = std::env::current_dir().map_err(|e| {
            ToolError(format!(
                "the server's working directory cannot be read: {e}"
            ))
        })?;
        Ok(KeyEnvironment {
            vars: errdex_doctor::process_env(),
            dir,
        })
    }
}

/// `check_keys`: the doctor's offline findings (never online: no key leaves the machine).
pub fn check_keys(
    k: &Knowledge,
    env: &KeyEnvironment,
    p: &CheckKeysParams,
) -> Result<Answer, ToolError> {
    let mut demanded = Vec::new();
    for text in p.providers.iter().flatten() {
        demanded.push(Provider::parse(text.trim()).ok_or_else(|| {
            ToolError(format!(
                "Unknown provider `{}`; one of: {}.",
                echo(text),
                Provider::expected()
            ))
        })?);
    }
    let index = k.index;
    let exists = |id: &str| id.parse().ok().is_some_and(|id| index.get(&id).is_some());
    let mut report = errdex_doctor::run(
        errdex_doctor::Check {
            dir: &env.dir,
            env: env.vars.clone(),
            extra_files: &[],
            providers: demanded,
            online: None,
        },
        &exists,
    );
    // The doctor masks keys already; redacting again costs nothing and guards against a
    // message that quotes more than it should.
    for f in &mut report.findings {
        f.message = redact(&f.message).into_owned();
        f.fix = redact(&f.fix).into_owned();
    }
    for e in &mut report.file_errors {
        *e = redact(e).into_owned();
    }
    let structured = serde_json::to_value(&report)
        .map_err(|e| ToolError(format!("the report does not serialise: {e}")))?;
    let (providers, findings, file_errors) =
        (&report.providers, &report.findings, &report.file_errors);

    let mut md = String::new();
    md.push_str(&format!(
        "Checked the errdex server's environment and the `.env` files of `{}` (offline: no key was sent anywhere).\n\n",
        env.dir.display()
    ));
    for e in file_errors {
        md.push_str(&format!("- ✗ {e}\n"));
    }
    if providers.is_empty() {
        md.push_str(
            "No LLM provider variables are set. Pass `providers` to demand a provider's key.\n",
        );
    }
    for provider in providers {
        md.push_str(&format!("### {provider}\n\n"));
        let list: Vec<_> = findings
            .iter()
            .filter(|f| f.provider == *provider)
            .collect();
        if list
            .iter()
            .all(|f| f.severity == errdex_doctor::Severity::Info)
        {
            md.push_str("- ✓ key variables look right\n");
        }
        for f in list {
            let mark = match f.severity {
                errdex_doctor::Severity::Error => "✗ error",
                errdex_doctor::Severity::Warning => "! warning",
                errdex_doctor::Severity::Info => "✓ info",
            };
            md.push_str(&format!(
                "- {mark}: `{}` ({}): {}\n  Fix: {}\n",
                f.variable, f.source, f.message, f.fix
            ));
            if let Some(entry) = &f.entry {
                md.push_str(&format!("  Entry: `{entry}`\n"));
            }
        }
        md.push('\n');
    }
    md.push_str(
        "\nThe server sees its own environment, which may differ from the one your program runs in; `errdex doctor --online` in a terminal also asks each provider whether a key is valid.\n",
    );
    Ok(Answer {
        markdown: md,
        structured,
    })
}

fn redact(text: &str) -> Cow<'_, str> {
    let r = errdex_secrets::redact(text);
    if r.spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(r.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k() -> Knowledge {
        Knowledge::new(errdex_kb::index())
    }

    const TRACE: &str = "Traceback (most recent call last):
  File \"/home/dev/app/main.py\", line 4, in <module>
    message = client.messages.create(
  File \"/home/dev/.venv/lib/python3.11/site-packages/anthropic/_base_client.py\", line 1346, in _request
    raise self._make_status_error_from_response(response) from None
anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}, 'request_id': 'req_011MockAnthropicReqId'}
";

    #[test]
    fn diagnose_names_the_entry_with_quick_fix_and_causes() {
        let a = diagnose(
            &k(),
            &DiagnoseParams {
                text: TRACE.into(),
                top: None,
            },
        )
        .unwrap();
        let s = &a.structured;
        assert_eq!(s["matches"][0]["id"], "anthropic/authentication-error");
        assert!(s["matches"][0]["confidence"].as_f64().unwrap() > 0.5);
        assert!(s["matches"][0]["evidence"][0]["line"].as_u64().unwrap() >= 1);
        assert_eq!(s["top"]["id"], "anthropic/authentication-error");
        assert!(!s["top"]["causes"].as_array().unwrap().is_empty());
        assert!(s["text"].as_str().unwrap().contains("invalid x-api-key"));
        assert!(a.markdown.contains("### Quick fix"));
        assert!(a.markdown.contains("### Causes & fixes"));
    }

    #[test]
    fn diagnose_redacts_keys() {
        let key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijkAA";
        let text = format!("{TRACE}\nANTHROPIC_API_KEY={key}\n");
        let a = diagnose(&k(), &DiagnoseParams { text, top: None }).unwrap();
        let all = format!("{}{}", a.markdown, a.structured);
        // The format prefix `sk-ant-api03-` is public (evidence names it); the rest is not.
        let secret = key.strip_prefix("sk-ant-api03-").unwrap();
        for piece in secret.as_bytes().windows(12) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!all.contains(piece), "{piece} in {all}");
        }
    }

    #[test]
    fn diagnose_refuses_oversized_and_empty_text() {
        let big = "x".repeat(MAX_TEXT_BYTES + 1);
        let err = diagnose(
            &k(),
            &DiagnoseParams {
                text: big,
                top: None,
            },
        )
        .unwrap_err();
        assert!(err.0.contains("the limit is 1048576"), "{err}");
        let err = diagnose(
            &k(),
            &DiagnoseParams {
                text: "  ".into(),
                top: None,
            },
        )
        .unwrap_err();
        assert!(err.0.contains("empty"));
    }

    #[test]
    fn diagnose_without_a_match_says_so() {
        let a = diagnose(
            &k(),
            &DiagnoseParams {
                text: "the weather is nice today".into(),
                top: None,
            },
        )
        .unwrap();
        assert_eq!(a.structured["matches"], json!([]));
        assert_eq!(a.structured["top"], Value::Null);
        assert!(a.markdown.contains("does not know this error"));
    }

    #[test]
    fn get_error_returns_markdown_and_fields() {
        let a = get_error(
            &k(),
            &GetErrorParams {
                id: " anthropic/authentication-error ".into(),
            },
        )
        .unwrap();
        assert_eq!(a.structured["id"], "anthropic/authentication-error");
        assert_eq!(
            a.structured["resource"],
            "errdex://errors/anthropic/authentication-error"
        );
        assert!(a.structured["sections"]["quick_fix"].is_string());
        for h in markdown::HEADINGS {
            assert!(a.markdown.contains(&format!("## {h}\n")), "{h}");
        }
    }

    #[test]
    fn get_error_on_an_unknown_id_names_the_nearest() {
        let err = get_error(
            &k(),
            &GetErrorParams {
                id: "anthropic/authentication-eror".into(),
            },
        )
        .unwrap_err();
        assert!(err
            .0
            .starts_with("No entry `anthropic/authentication-eror`."));
        assert!(err.0.contains("`anthropic/authentication-error`"), "{err}");
        let err = get_error(&k(), &GetErrorParams { id: "??".into() }).unwrap_err();
        assert!(err.0.contains("No entry"), "{err}");
    }

    /// Ids are looked up in the embedded index, never opened as paths: traversal, slashes,
    /// backslashes and NUL find nothing and the answer reads no file.
    #[test]
    fn get_error_with_a_path_for_an_id_reads_nothing() {
        for id in [
            "../../etc/passwd",
            "anthropic/../../../etc/passwd",
            "anthropic/..%2F..%2Fetc%2Fpasswd",
            "anthropic/%2e%2e",
            "anthropic\\..\\..\\windows\\win.ini",
            "/etc/passwd",
            "anthropic/authentication-error\0",
            "anthropic/authentication-error/../../Cargo.toml",
        ] {
            let err = get_error(&k(), &GetErrorParams { id: id.into() }).unwrap_err();
            assert!(err.0.starts_with("No entry"), "{id}: {err}");
            assert!(!err.0.contains("root:") && !err.0.contains("[package]"));
        }
    }

    #[test]
    fn get_error_follows_a_retired_entry_to_its_successor() {
        let index = errdex_kb::index();
        let Some(retired) = index
            .entries
            .iter()
            .find(|e| matches!(e.status, errdex_entry::Status::Retired { .. }))
        else {
            return; // no retired entry in the knowledge base yet
        };
        let a = get_error(
            &k(),
            &GetErrorParams {
                id: retired.id.to_string(),
            },
        )
        .unwrap();
        assert_ne!(a.structured["id"], retired.id.to_string());
        assert!(a.markdown.starts_with("> "));
    }

    #[test]
    fn search_gives_ids_titles_and_meanings() {
        let a = search(
            &k(),
            &SearchParams {
                query: "anthropic invalid x-api-key".into(),
                limit: Some(3),
            },
        )
        .unwrap();
        let results = a.structured["results"].as_array().unwrap();
        assert!(!results.is_empty() && results.len() <= 3);
        assert!(results
            .iter()
            .any(|r| r["id"] == "anthropic/authentication-error"));
        assert!(results[0]["summary"].as_str().unwrap().len() > 10);
        assert!(search(
            &k(),
            &SearchParams {
                query: " ".into(),
                limit: None
            }
        )
        .is_err());
    }

    #[test]
    fn list_errors_filters_and_rejects_unknown_values() {
        let all = list_errors(
            &k(),
            &ListErrorsParams {
                provider: None,
                kind: None,
            },
        )
        .unwrap();
        let anthropic = list_errors(
            &k(),
            &ListErrorsParams {
                provider: Some("anthropic".into()),
                kind: Some("authentication".into()),
            },
        )
        .unwrap();
        let n = |a: &Answer| a.structured["entries"].as_array().unwrap().len();
        assert!(n(&anthropic) >= 1 && n(&anthropic) < n(&all));
        for e in anthropic.structured["entries"].as_array().unwrap() {
            assert_eq!(e["provider"], "anthropic");
        }
        let err = list_errors(
            &k(),
            &ListErrorsParams {
                provider: Some("antropic".into()),
                kind: None,
            },
        )
        .unwrap_err();
        assert!(
            err.0.contains("Unknown provider `antropic`; one of: "),
            "{err}"
        );
    }

    #[test]
    fn check_keys_reports_a_broken_key_masked() {
        let key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijkAA";
        let dir = std::env::temp_dir().join(format!("errdex-mcp-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let env = KeyEnvironment {
            vars: vec![("ANTHROPIC_API_KEY".into(), format!("{key}\n"))],
            dir,
        };
        let a = check_keys(&k(), &env, &CheckKeysParams::default()).unwrap();
        assert_eq!(a.structured["ok"], false);
        assert_eq!(a.structured["providers"], json!(["anthropic"]));
        let f = &a.structured["findings"][0];
        assert_eq!(f["problem"], "whitespace");
        assert_eq!(f["source"], "environment");
        let all = format!("{}{}", a.markdown, a.structured);
        for piece in key.as_bytes().windows(12) {
            assert!(!all.contains(std::str::from_utf8(piece).unwrap()), "{all}");
        }
    }

    #[test]
    fn check_keys_demands_a_provider() {
        let dir = std::env::temp_dir().join(format!("errdex-mcp-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let env = KeyEnvironment { vars: vec![], dir };
        let a = check_keys(
            &k(),
            &env,
            &CheckKeysParams {
                providers: Some(vec!["openai".into()]),
            },
        )
        .unwrap();
        assert_eq!(a.structured["findings"][0]["problem"], "missing");
        assert!(check_keys(
            &k(),
            &env,
            &CheckKeysParams {
                providers: Some(vec!["nope".into()]),
            },
        )
        .is_err());
    }
}
