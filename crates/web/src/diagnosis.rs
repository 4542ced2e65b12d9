//! Diagnosis of pasted text for the form and the API. The engine's result is used through
//! its JSON shape (the contract of `errdex diagnose --json`), so the page and the API show
//! the same thing. The text is never logged or stored: it lives only in this request.

use crate::error::AppError;
use crate::pages::{entry_href, render, Layout};
use crate::AppState;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use errdex_entry::EntryId;

pub fn diagnose_json(state: &AppState, text: &str) -> Result<Response, AppError> {
    let diagnosis = state.diagnoser().diagnose(text);
    state.metrics().diagnosed(!diagnosis.matches.is_empty());
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(diagnosis)).into_response())
}

struct MatchRow {
    href: String,
    id: String,
    title: String,
    percent: u32,
    evidence: Vec<String>,
}

struct Suggestion {
    text: String,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "diagnosis.html")]
struct ResultsPage {
    layout: Layout,
    text_html: String,
    matches: Vec<MatchRow>,
    top_quick_fix: String,
    top_href: String,
    top_title: String,
    suggestions: Vec<Suggestion>,
    empty_input: bool,
}

pub fn results_page(state: &AppState, text: &str) -> Result<Vec<u8>, AppError> {
    let layout = Layout::new(
        state.index(),
        "Diagnosis",
        "What errdex recognised in the pasted text.",
    );
    if text.trim().is_empty() {
        return render(&ResultsPage {
            layout,
            text_html: String::new(),
            matches: Vec::new(),
            top_quick_fix: String::new(),
            top_href: String::new(),
            top_title: String::new(),
            suggestions: Vec::new(),
            empty_input: true,
        });
    }
    let diagnosis = state.diagnoser().diagnose(text);
    state.metrics().diagnosed(!diagnosis.matches.is_empty());
    let spans: Vec<(usize, usize)> = diagnosis
        .matches
        .first()
        .map(|m| m.evidence.iter().map(|e| (e.start, e.end)).collect())
        .unwrap_or_default();
    let top = diagnosis.matches.first();
    let page = ResultsPage {
        layout,
        text_html: highlight(&diagnosis.text, spans),
        top_quick_fix: top
            .map(|m| crate::markdown::to_html(&m.quick_fix))
            .unwrap_or_default(),
        top_href: top.map(|m| entry_href(&m.id)).unwrap_or_default(),
        top_title: top.map(|m| m.title.clone()).unwrap_or_default(),
        matches: diagnosis
            .matches
            .iter()
            .map(|m| MatchRow {
                href: entry_href(&m.id),
                id: m.id.to_string(),
                title: m.title.clone(),
                percent: (m.confidence.clamp(0.0, 1.0) * 100.0).round() as u32,
                evidence: {
                    // One line per distinct signal: a class seen in five frames is one fact.
                    let mut lines: Vec<String> = Vec::new();
                    for e in &m.evidence {
                        let line = format!("{}: {}", e.signal.replace('_', " "), e.value.trim());
                        if !lines.contains(&line) {
                            lines.push(line);
                        }
                    }
                    lines
                },
            })
            .collect(),
        suggestions: diagnosis
            .suggestions
            .iter()
            .map(|id| suggestion(state, id))
            .collect(),
        empty_input: false,
    };
    render(&page)
}

/// A near entry, by title when the index has it.
fn suggestion(state: &AppState, id: &EntryId) -> Suggestion {
    let title = state.index().get(id).map(|e| e.title.as_str());
    Suggestion {
        text: match title {
            Some(t) => format!("{t} ({id})"),
            None => id.to_string(),
        },
        href: Some(entry_href(id)),
    }
}

/// The text, escaped, with the evidence spans in `<mark>`. Spans are byte offsets; ones
/// that overlap are merged and ones off a character boundary are ignored.
pub fn highlight(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    spans.retain(|&(s, e)| {
        s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    });
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 13);
    let mut at = 0;
    for (s, e) in merged {
        escape_into(&mut out, &text[at..s]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&mut out, &text[at..]);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_evidence_escaped_and_merged() {
        let text = "x <AuthenticationError> 401 é";
        let out = highlight(text, vec![(2, 23), (3, 10), (24, 27), (28, 29), (100, 200)]);
        assert_eq!(
            out,
            "x <mark>&lt;AuthenticationError&gt;</mark> <mark>401</mark> é"
        );
    }
}
