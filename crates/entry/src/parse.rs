//! `parse_entry`: one entry file's text → an [`Entry`], or every problem found in it.

use crate::ids::EntryId;
use crate::model::*;
use crate::raw::{RawFrontMatter, RawSignals};
use crate::taxonomy::{Kind, Provider};
use crate::Problem;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;
use toml::Spanned;

/// The sections every current entry has, in page order: (heading, required).
pub const SECTION_HEADINGS: [&str; 8] = [
    "What it means",
    "Quick fix",
    "Why it happens",
    "Detection",
    "Causes & fixes",
    "Code",
    "Workaround",
    "Prevention",
];

/// The keys a code fence may carry after its language and role.
pub const FENCE_KEYS: &str =
    "sdk=PACKAGE[RANGE], scenario=NAME, raises=CLASS, env=NAME=VALUE, nokey, norequest";

/// Collects problems for one file, turning byte offsets into lines.
struct Sink<'a> {
    file: &'a Path,
    problems: Vec<Problem>,
}

impl Sink<'_> {
    fn at(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Problem::new(self.file, line, message));
    }
}

/// Byte offset → 1-based line, for a slice of the file that starts at `first_line`.
fn line_at(text: &str, offset: usize, first_line: usize) -> usize {
    first_line + text[..offset.min(text.len())].matches('\n').count()
}

/// A parsed entry and the ids it refers to, with their lines, for [`crate::check`].
#[derive(Debug, Clone)]
pub struct Parsed {
    pub entry: Entry,
    pub references: Vec<Reference>,
}

/// An id named in an entry's front matter (successor, alias, related entry).
#[derive(Debug, Clone)]
pub struct Reference {
    pub id: EntryId,
    pub field: &'static str,
    pub line: usize,
}

/// Parses one entry. `file` is only used in messages; `id` comes from the file's path.
pub fn parse_entry(file: &Path, id: EntryId, text: &str) -> Result<Parsed, Vec<Problem>> {
    let mut sink = Sink {
        file,
        problems: Vec::new(),
    };
    let Some((front, front_line, body, body_line)) = split_front_matter(text, &mut sink) else {
        return Err(sink.problems);
    };
    let meta = match toml::from_str::<RawFrontMatter>(front) {
        Ok(raw) => validate_front_matter(raw, &id, front, front_line, &mut sink),
        Err(err) => {
            let line = err
                .span()
                .map_or(front_line, |s| line_at(front, s.start, front_line));
            sink.at(line, format!("front matter: {}", err.message().trim_end()));
            None
        }
    };
    let current = meta.as_ref().is_none_or(|m| m.status == Status::Current);
    let sections = parse_body(body, body_line, current, &mut sink);
    match meta {
        Some(meta) if sink.problems.is_empty() => Ok(Parsed {
            references: meta.references,
            entry: Entry {
                id,
                file: file.display().to_string(),
                title: meta.title,
                summary: meta.summary,
                provider: meta.provider,
                kind: meta.kind,
                http_status: meta.http_status,
                error_codes: meta.error_codes,
                severity: meta.severity,
                difficulty: meta.difficulty,
                time_to_fix: meta.time_to_fix,
                retryable: meta.retryable,
                status: meta.status,
                aliases: meta.aliases,
                exceptions: meta.exceptions,
                signals: meta.signals,
                compatibility: meta.compatibility,
                related: meta.related,
                sources: meta.sources,
                verification: meta.verification,
                verification_run: None,
                sections,
            },
        }),
        _ => Err(sink.problems),
    }
}

/// Returns (front matter, its first line, body, its first line).
fn split_front_matter<'t>(
    text: &'t str,
    sink: &mut Sink,
) -> Option<(&'t str, usize, &'t str, usize)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        sink.at(1, "an entry starts with TOML front matter between two `+++` lines; add `+++` as the first line");
        return None;
    }
    let front_start = first.len();
    let mut offset = front_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            let body_start = offset + line.len();
            // The body starts on the next line; a file that ends on the closing `+++`
            // (no line break) has no next line, and its empty body is reported there.
            let body_line = if line.ends_with('\n') { i + 3 } else { i + 2 };
            return Some((
                &text[front_start..offset],
                2,
                &text[body_start..],
                body_line,
            ));
        }
        offset += line.len();
    }
    sink.at(
        1,
        "the front matter is not closed: add a `+++` line after it",
    );
    None
}

/// Front matter after validation.
struct Meta {
    title: String,
    summary: String,
    provider: Provider,
    kind: Kind,
    http_status: Option<u16>,
    error_codes: Vec<String>,
    severity: Severity,
    difficulty: Difficulty,
    time_to_fix: String,
    retryable: bool,
    status: Status,
    aliases: Vec<EntryId>,
    exceptions: Vec<ExceptionClass>,
    signals: Signals,
    compatibility: Vec<Compatibility>,
    related: Related,
    sources: Vec<String>,
    verification: Verification,
    references: Vec<Reference>,
}

fn validate_front_matter(
    raw: RawFrontMatter,
    id: &EntryId,
    front: &str,
    first_line: usize,
    sink: &mut Sink,
) -> Option<Meta> {
    let before = sink.problems.len();
    let line = |span: Range<usize>| line_at(front, span.start, first_line);
    let mut problem = |span: Range<usize>, message: String| {
        sink.problems
            .push(Problem::new(sink.file, line(span), message))
    };

    let text_field =
        |name: &str, value: Spanned<String>, problem: &mut dyn FnMut(Range<usize>, String)| {
            let span = value.span();
            let value = value.into_inner();
            if value.trim().is_empty() {
                problem(span, format!("`{name}` is empty: write it"));
            }
            value.trim().to_string()
        };
    let title = text_field("title", raw.title, &mut problem);
    let summary = text_field("summary", raw.summary, &mut problem);
    if summary.contains('\n') {
        problem(0..0, "`summary` is one line: shorten it".into());
    }
    let time_to_fix = text_field("time_to_fix", raw.time_to_fix, &mut problem);

    let provider = Provider::parse(raw.provider.get_ref());
    match provider {
        None => problem(
            raw.provider.span(),
            format!(
                "unknown provider `{}`: use one of {}",
                raw.provider.get_ref(),
                Provider::expected()
            ),
        ),
        Some(p) if p != id.provider => problem(
            raw.provider.span(),
            format!(
                "provider `{p}` does not match the folder `{}/`: move the file or change the field",
                id.provider
            ),
        ),
        Some(_) => {}
    }
    let kind = Kind::parse(raw.kind.get_ref());
    if kind.is_none() {
        problem(
            raw.kind.span(),
            format!(
                "unknown kind `{}`: use one of {}",
                raw.kind.get_ref(),
                Kind::expected()
            ),
        );
    }
    let http_status = raw.http_status.map(|s| {
        if !(100..=599).contains(s.get_ref()) {
            problem(
                s.span(),
                format!(
                    "http_status {} is not an HTTP status (100-599)",
                    s.get_ref()
                ),
            );
        }
        s.into_inner()
    });
    let severity = match raw.severity.get_ref().as_str() {
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        other => {
            problem(
                raw.severity.span(),
                format!("unknown severity `{other}`: use low, medium, high or critical"),
            );
            None
        }
    };
    let difficulty = match raw.difficulty.get_ref().as_str() {
        "beginner" => Some(Difficulty::Beginner),
        "intermediate" => Some(Difficulty::Intermediate),
        "advanced" => Some(Difficulty::Advanced),
        other => {
            problem(
                raw.difficulty.span(),
                format!("unknown difficulty `{other}`: use beginner, intermediate or advanced"),
            );
            None
        }
    };

    let mut references = Vec::new();
    let mut parse_id = |value: &Spanned<String>,
                        field: &'static str,
                        problem: &mut dyn FnMut(Range<usize>, String)| {
        let id = value
            .get_ref()
            .parse::<EntryId>()
            .map_err(|e| problem(value.span(), format!("{field}: {e}")))
            .ok()?;
        references.push(Reference {
            id: id.clone(),
            field,
            line: line_at(front, value.span().start, first_line),
        });
        Some(id)
    };
    let status = match raw.status.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("current") => {
            if let Some(successor) = &raw.successor {
                problem(
                    successor.span(),
                    "`successor` is only for retired entries: set `status = \"retired\"` or remove it".into(),
                );
            }
            Some(Status::Current)
        }
        Some("retired") => match &raw.successor {
            Some(successor) => parse_id(successor, "successor", &mut problem)
                .map(|successor| Status::Retired { successor }),
            None => {
                problem(
                    raw.status.as_ref().map_or(0..0, |s| s.span()),
                    "a retired entry names its successor: add `successor = \"<provider>/<slug>\"`"
                        .into(),
                );
                None
            }
        },
        Some(other) => {
            problem(
                raw.status.as_ref().map_or(0..0, |s| s.span()),
                format!("unknown status `{other}`: use current or retired"),
            );
            None
        }
    };
    let current = status == Some(Status::Current);

    let aliases = raw
        .aliases
        .iter()
        .filter_map(|a| parse_id(a, "aliases", &mut problem))
        .collect();
    let related = Related {
        confused_with: raw
            .related
            .confused_with
            .iter()
            .filter_map(|r| parse_id(r, "related.confused_with", &mut problem))
            .collect(),
        leads_to: raw
            .related
            .leads_to
            .iter()
            .filter_map(|r| parse_id(r, "related.leads_to", &mut problem))
            .collect(),
    };

    let language = |value: &Spanned<String>, problem: &mut dyn FnMut(Range<usize>, String)| {
        parse_language(value.get_ref()).or_else(|| {
            problem(
                value.span(),
                format!(
                    "unknown language `{}`: use python or typescript",
                    value.get_ref()
                ),
            );
            None
        })
    };
    let version_req = |value: &Spanned<String>, problem: &mut dyn FnMut(Range<usize>, String)| {
        if let Err(e) = check_version_req(value.get_ref()) {
            problem(value.span(), e);
        }
        value.get_ref().trim().to_string()
    };
    let mut exceptions = Vec::new();
    for exc in &raw.exceptions {
        let span = exc.span();
        let exc = exc.get_ref();
        let lang = language(&exc.language, &mut problem);
        let versions = version_req(&exc.versions, &mut problem);
        if exc.class.trim().is_empty() || exc.sdk.trim().is_empty() {
            problem(span.clone(), "an exception needs `sdk` and `class`".into());
        }
        if let Some(language) = lang {
            exceptions.push(ExceptionClass {
                language,
                sdk: exc.sdk.trim().to_string(),
                versions,
                class: exc.class.trim().to_string(),
            });
        }
    }
    if current && raw.exceptions.is_empty() {
        problem(
            0..0,
            "no `[[exceptions]]`: name the class each SDK raises (language, sdk, versions, class)"
                .into(),
        );
    }
    let mut compatibility = Vec::new();
    for compat in &raw.compatibility {
        let compat = compat.get_ref();
        let lang = language(&compat.language, &mut problem);
        let versions = version_req(&compat.versions, &mut problem);
        if let Some(language) = lang {
            compatibility.push(Compatibility {
                language,
                runtime: compat.runtime.trim().to_string(),
                sdk: compat.sdk.trim().to_string(),
                versions,
            });
        }
    }
    if current && raw.compatibility.is_empty() {
        problem(
            0..0,
            "no `[[compatibility]]`: give the language runtime and SDK version range this entry holds for".into(),
        );
    }
    let signals = validate_signals(&raw.signals, &mut problem);
    if current && signals.literals.is_empty() && signals.regexes.is_empty() {
        problem(
            0..0,
            "no `[signals]`: give at least one literal or regex that identifies this error in pasted text".into(),
        );
    }
    let sources: Vec<String> = raw
        .sources
        .iter()
        .map(|s| s.get_ref().trim().to_string())
        .collect();
    if current && sources.is_empty() {
        problem(
            0..0,
            "no `sources`: cite the SDK source file, provider documentation or public report behind this entry".into(),
        );
    }
    let error_codes = raw
        .error_codes
        .iter()
        .map(|c| c.get_ref().trim().to_string())
        .collect();
    let verification = match raw.unverifiable {
        Some(reason) if reason.get_ref().trim().is_empty() => {
            problem(
                reason.span(),
                "`unverifiable` needs the reason the examples cannot be run here".into(),
            );
            Verification::NotRun
        }
        Some(reason) => Verification::Unverifiable {
            reason: reason.into_inner().trim().to_string(),
        },
        None => Verification::NotRun,
    };

    if sink.problems.len() > before {
        return None;
    }
    Some(Meta {
        title,
        summary,
        provider: provider?,
        kind: kind?,
        http_status,
        error_codes,
        severity: severity?,
        difficulty: difficulty?,
        time_to_fix,
        retryable: raw.retryable,
        status: status?,
        aliases,
        exceptions,
        signals,
        compatibility,
        related,
        sources,
        verification,
        references,
    })
}

fn validate_signals(raw: &RawSignals, problem: &mut dyn FnMut(Range<usize>, String)) -> Signals {
    let mut signals = Signals::default();
    for literal in &raw.literals {
        if literal.get_ref().trim().len() < 3 {
            problem(
                literal.span(),
                format!(
                    "signal literal `{}` is too short to identify anything (3 characters at least)",
                    literal.get_ref()
                ),
            );
        } else {
            signals.literals.push(literal.get_ref().clone());
        }
    }
    for pattern in &raw.regexes {
        match Regex::new(pattern.get_ref()) {
            Ok(_) if widest_repetition(pattern.get_ref()) > MAX_REPETITION => problem(
                pattern.span(),
                format!(
                    "signal regex `{}` repeats up to {} times: a bounded repetition over {MAX_REPETITION} makes the one set of every entry's regexes slow (8 ms instead of 90 µs a diagnosis); use `.*` or `.*?`",
                    pattern.get_ref(),
                    widest_repetition(pattern.get_ref())
                ),
            ),
            Ok(_) => signals.regexes.push(pattern.get_ref().clone()),
            Err(e) => {
                let reason = e.to_string();
                let reason = reason
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches("error: ");
                problem(
                    pattern.span(),
                    format!(
                        "signal regex `{}` does not compile: {reason}",
                        pattern.get_ref()
                    ),
                );
            }
        }
    }
    signals
}

/// Diagnosis runs every entry's regex in one `RegexSet`, whose lazy DFA must hold the
/// states of all of them at once; `.{0,3000}` alone expands into thousands of states, the
/// DFA's cache thrashes and the whole set falls back to a slow engine.
const MAX_REPETITION: u32 = 100;

/// The largest bound of any counted repetition in a pattern (`.{0,300}` → 300); nested
/// ones multiply (`(a{20}){20}` → 400), as their states do.
fn widest_repetition(pattern: &str) -> u32 {
    use regex_syntax::hir::{Hir, HirKind};
    fn widest(hir: &Hir) -> u32 {
        match hir.kind() {
            HirKind::Repetition(r) => {
                let bound = r.max.unwrap_or(r.min).max(r.min);
                match widest(&r.sub) {
                    0 => bound,
                    inner => inner.saturating_mul(bound.max(1)),
                }
            }
            HirKind::Capture(c) => widest(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().map(widest).max().unwrap_or(0),
            _ => 0,
        }
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .map_or(0, |hir| widest(&hir))
}

fn parse_language(text: &str) -> Option<Language> {
    match text.trim() {
        "python" | "py" => Some(Language::Python),
        "typescript" | "ts" => Some(Language::Typescript),
        _ => None,
    }
}

/// Checks a version requirement such as `>=0.40, <3` (or `*`).
fn check_version_req(text: &str) -> Result<(), String> {
    semver::VersionReq::parse(text.trim())
        .map(|_| ())
        .map_err(|e| {
            format!("version range `{text}` does not parse ({e}): write e.g. `>=0.40, <3`")
        })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SectionName {
    Meaning,
    QuickFix,
    Why,
    Detection,
    Causes,
    Code,
    Workaround,
    Prevention,
}

const SECTIONS: [SectionName; 8] = [
    SectionName::Meaning,
    SectionName::QuickFix,
    SectionName::Why,
    SectionName::Detection,
    SectionName::Causes,
    SectionName::Code,
    SectionName::Workaround,
    SectionName::Prevention,
];

fn section_name(heading: &str) -> Option<SectionName> {
    let h = heading.trim().to_ascii_lowercase();
    let h = h.replace(" and ", " & ");
    SECTION_HEADINGS
        .iter()
        .position(|name| name.to_ascii_lowercase() == h)
        .map(|i| SECTIONS[i])
}

struct Heading {
    level: HeadingLevel,
    text: String,
    range: Range<usize>,
}

struct Fence {
    info: String,
    code: String,
    range: Range<usize>,
}

/// Parses the Markdown body into sections; `current` entries must have all of them.
fn parse_body(body: &str, first_line: usize, current: bool, sink: &mut Sink) -> Sections {
    let line = |offset: usize| line_at(body, offset, first_line);
    let mut headings: Vec<Heading> = Vec::new();
    let mut fences: Vec<Fence> = Vec::new();
    // Top-level items of ordered and unordered lists: (ordered, range).
    let mut items: Vec<(bool, Range<usize>)> = Vec::new();
    let mut list_stack: Vec<bool> = Vec::new();
    let mut open_heading: Option<Heading> = None;
    let mut open_fence: Option<Fence> = None;

    for (event, range) in
        Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open_heading = Some(Heading {
                    level,
                    text: String::new(),
                    range,
                })
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(open_heading.take()),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                open_fence = Some(Fence {
                    info,
                    code: String::new(),
                    range,
                })
            }
            Event::End(TagEnd::CodeBlock) => fences.extend(open_fence.take()),
            Event::Start(Tag::List(start)) => list_stack.push(start.is_some()),
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
            }
            Event::Start(Tag::Item) if list_stack.len() == 1 => items.push((list_stack[0], range)),
            Event::Text(text) | Event::Code(text) => {
                if let Some(fence) = open_fence.as_mut() {
                    fence.code.push_str(&text);
                } else if let Some(heading) = open_heading.as_mut() {
                    heading.text.push_str(&text);
                }
            }
            _ => {}
        }
    }

    // Sections are the spans between level-2 headings.
    let mut sections = Sections::default();
    let mut seen: Vec<SectionName> = Vec::new();
    let h2: Vec<&Heading> = headings
        .iter()
        .filter(|h| h.level == HeadingLevel::H2)
        .collect();
    for h in headings.iter().filter(|h| h.level == HeadingLevel::H1) {
        sink.at(
            line(h.range.start),
            format!(
                "`# {}`: the title comes from the front matter; use `##` section headings only",
                h.text.trim()
            ),
        );
    }
    let preamble_end = h2.first().map_or(body.len(), |h| h.range.start);
    let preamble = body[..preamble_end].trim();
    if !preamble.is_empty() && !body[..preamble_end].trim_start().starts_with('#') {
        let offset = body.len() - body.trim_start().len();
        sink.at(
            line(offset),
            "text before the first `##` section: move it into a section",
        );
    }
    for (i, heading) in h2.iter().enumerate() {
        let start = heading.range.end;
        let end = h2.get(i + 1).map_or(body.len(), |next| next.range.start);
        let heading_line = line(heading.range.start);
        let name = heading.text.trim();
        if name.eq_ignore_ascii_case("stack trace") {
            sink.at(
                heading_line,
                "`## Stack trace` is captured from the real SDK by `errdex verify`, never written by hand: remove this section",
            );
            continue;
        }
        let Some(section) = section_name(name) else {
            sink.at(
                heading_line,
                format!(
                    "unknown section `## {name}`: the sections are {}",
                    SECTION_HEADINGS.map(|h| format!("`{h}`")).join(", ")
                ),
            );
            continue;
        };
        if seen.contains(&section) {
            sink.at(
                heading_line,
                format!("section `## {name}` appears twice: merge the two"),
            );
            continue;
        }
        seen.push(section);
        let text = body[start..end].trim().to_string();
        if text.is_empty() {
            sink.at(
                heading_line,
                format!("section `## {name}` is empty: write it"),
            );
            continue;
        }
        let in_section = |r: &Range<usize>| r.start >= start && r.end <= end;
        match section {
            SectionName::Meaning => sections.meaning = text,
            SectionName::QuickFix => sections.quick_fix = text,
            SectionName::Why => sections.why = text,
            SectionName::Detection => sections.detection = text,
            SectionName::Workaround => sections.workaround = text,
            SectionName::Prevention => sections.prevention = text,
            SectionName::Causes => {
                let section_items: Vec<&(bool, Range<usize>)> =
                    items.iter().filter(|(_, r)| in_section(r)).collect();
                if section_items.is_empty() || section_items.iter().any(|(ordered, _)| !ordered) {
                    sink.at(
                        heading_line,
                        "`## Causes & fixes` is a numbered list, one cause per item, each with its fix: `1. **Cause.** … Fix: …`",
                    );
                    continue;
                }
                for (n, (_, range)) in section_items.iter().enumerate() {
                    match split_cause(&body[range.clone()]) {
                        Ok(cause) => sections.causes.push(cause),
                        Err(why) => sink.at(line(range.start), format!("cause {}: {why}", n + 1)),
                    }
                }
            }
            SectionName::Code => {
                let mut notes = String::new();
                let mut cursor = start;
                let mut fence_problems = false;
                for fence in fences.iter().filter(|f| in_section(&f.range)) {
                    notes.push_str(&body[cursor..fence.range.start]);
                    cursor = fence.range.end;
                    match parse_fence(&fence.info) {
                        Ok(annotation) => sections.examples.push(CodeExample {
                            language: annotation.language,
                            role: annotation.role,
                            sdk: annotation.sdk,
                            sdk_versions: annotation.sdk_versions,
                            scenario: annotation.scenario,
                            raises: annotation.raises,
                            env: annotation.env,
                            no_key: annotation.no_key,
                            no_request: annotation.no_request,
                            code: fence.code.clone(),
                            line: line(fence.range.start),
                            highlighted_ansi: None,
                            highlighted_html: None,
                        }),
                        Err(why) => {
                            fence_problems = true;
                            sink.at(line(fence.range.start), why)
                        }
                    }
                }
                notes.push_str(&body[cursor..end]);
                sections.code_notes = collapse_blank_lines(notes.trim());
                if sections.code_notes.is_empty() {
                    sink.at(
                        heading_line,
                        "`## Code` needs a sentence saying what changed between the broken and the fixed example",
                    );
                }
                if !fence_problems {
                    check_example_pairs(&sections.examples, heading_line, sink);
                }
            }
        }
    }
    if current {
        for (name, heading) in SECTIONS.iter().zip(SECTION_HEADINGS) {
            if !seen.contains(name) {
                sink.at(
                    first_line,
                    format!("missing section `## {heading}`: add it"),
                );
            }
        }
    }
    sections
}

fn collapse_blank_lines(text: &str) -> String {
    static BLANKS: OnceLock<Regex> = OnceLock::new();
    let blanks = BLANKS.get_or_init(|| Regex::new(r"\n\s*\n(\s*\n)+").expect("static regex"));
    blanks.replace_all(text, "\n\n").into_owned()
}

/// One numbered item: the cause, then `Fix:` and the fix.
fn split_cause(item: &str) -> Result<Cause, String> {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    static FIX: OnceLock<Regex> = OnceLock::new();
    let marker = MARKER.get_or_init(|| Regex::new(r"^\s*\d+[.)]\s*").expect("static regex"));
    let fix = FIX.get_or_init(|| Regex::new(r"(\*\*|__)?\bFix:(\*\*|__)?").expect("static regex"));
    let item = marker.replace(item, "");
    let Some(m) = fix.find(&item) else {
        return Err("no fix: end the cause with `Fix:` and what to do".into());
    };
    let cause = item[..m.start()].trim();
    let fix_text = item[m.end()..].trim();
    if cause.is_empty() {
        return Err("the cause before `Fix:` is empty".into());
    }
    if fix_text.is_empty() {
        return Err("the fix after `Fix:` is empty".into());
    }
    Ok(Cause {
        cause: unindent(cause),
        fix: unindent(fix_text),
    })
}

/// Removes the indentation that list continuation lines carry.
fn unindent(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

#[derive(Debug)]
struct Annotation {
    language: Language,
    role: Role,
    sdk: String,
    sdk_versions: String,
    scenario: String,
    raises: Option<String>,
    env: Vec<(String, String)>,
    no_key: bool,
    no_request: bool,
}

/// Parses a fence info string such as
/// `python,broken,sdk=anthropic>=0.40,<3,scenario=invalid_key,raises=anthropic.AuthenticationError`.
/// A part that starts with a comparator continues the previous `sdk=` range.
fn parse_fence(info: &str) -> Result<Annotation, String> {
    let info = info.trim();
    let mut parts = info.split(',').map(str::trim);
    let lang_text = parts.next().unwrap_or("");
    if lang_text.is_empty() {
        return Err("code block without a language: open it with e.g. ```python,broken,sdk=anthropic>=0.40,scenario=invalid_key,raises=anthropic.AuthenticationError".into());
    }
    let language = parse_language(lang_text)
        .ok_or_else(|| format!("code block language `{lang_text}` is not python or typescript"))?;
    let (mut role, mut sdk, mut scenario, mut raises, mut env, mut no_key) = (
        None,
        None::<(String, String)>,
        None,
        None,
        Vec::new(),
        false,
    );
    let mut no_request = false;
    let mut last_was_sdk = false;
    for part in parts {
        if part.is_empty() {
            continue;
        }
        if last_was_sdk && part.starts_with(['<', '>', '=', '!', '~', '^']) {
            if let Some((_, range)) = sdk.as_mut() {
                range.push_str(", ");
                range.push_str(part);
            }
            continue;
        }
        last_was_sdk = false;
        match part.split_once('=') {
            None if part == "broken" => role = Some(Role::Broken),
            None if part == "fixed" => role = Some(Role::Fixed),
            None if part == "nokey" => no_key = true,
            None if part == "norequest" => no_request = true,
            Some(("sdk", value)) => {
                let split = value
                    .find(['<', '>', '=', '!', '~', '^'])
                    .unwrap_or(value.len());
                let (package, range) = value.split_at(split);
                if package.trim().is_empty() {
                    return Err(format!(
                        "`sdk={value}` names no package: write e.g. `sdk=anthropic>=0.40`"
                    ));
                }
                sdk = Some((package.trim().to_string(), range.trim().to_string()));
                last_was_sdk = true;
            }
            Some(("scenario", value)) if !value.is_empty() => scenario = Some(value.to_string()),
            Some(("raises", value)) if !value.is_empty() => raises = Some(value.to_string()),
            Some(("env", value)) => match value.split_once('=') {
                Some((name, val)) if !name.is_empty() => {
                    env.push((name.to_string(), val.to_string()))
                }
                _ => return Err(format!("`env={value}` is not `env=NAME=VALUE`")),
            },
            _ => {
                return Err(format!(
                "unknown code block key `{part}`: after the language and role come {FENCE_KEYS}"
            ))
            }
        }
    }
    let role =
        role.ok_or("code block without a role: add `broken` or `fixed` after the language")?;
    let (sdk, mut sdk_versions) = sdk.ok_or(
        "code block without `sdk=`: name the SDK package and range, e.g. `sdk=anthropic>=0.40`",
    )?;
    if sdk_versions.is_empty() {
        sdk_versions = "*".into();
    }
    check_version_req(&sdk_versions)?;
    let scenario = scenario.ok_or("code block without `scenario=`: name the mock scenario it runs against, e.g. `scenario=invalid_key`")?;
    match (role, &raises) {
        (Role::Broken, None) => {
            return Err(
                "broken example without `raises=`: name the exception class it must raise".into(),
            );
        }
        (Role::Fixed, Some(_)) => {
            return Err("a fixed example raises nothing: remove `raises=`".into())
        }
        _ => {}
    }
    if no_request && role == Role::Fixed {
        return Err("`norequest` is for broken examples (the SDK fails before sending); a fixed example must reach the mock: remove it".into());
    }
    Ok(Annotation {
        language,
        role,
        sdk,
        sdk_versions,
        scenario,
        raises,
        env,
        no_key,
        no_request,
    })
}

/// Every language with examples has at least one broken and one fixed example.
fn check_example_pairs(examples: &[CodeExample], heading_line: usize, sink: &mut Sink) {
    if examples.is_empty() {
        sink.at(
            heading_line,
            "`## Code` has no annotated examples: add a broken and a fixed one",
        );
        return;
    }
    for language in [Language::Python, Language::Typescript] {
        let of = |role| {
            examples
                .iter()
                .any(|e| e.language == language && e.role == role)
        };
        let name = format!("{language:?}").to_ascii_lowercase();
        match (of(Role::Broken), of(Role::Fixed)) {
            (true, false) => sink.at(
                heading_line,
                format!("the {name} broken example has no fixed counterpart: add one"),
            ),
            (false, true) => sink.at(
                heading_line,
                format!("the {name} fixed example has no broken counterpart: add one"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_annotation_keeps_multi_part_ranges() {
        let a = parse_fence("python,broken,sdk=anthropic>=0.40,<3,scenario=invalid_key,raises=anthropic.AuthenticationError,env=A=b=c")
            .unwrap();
        assert_eq!(a.sdk, "anthropic");
        assert_eq!(a.sdk_versions, ">=0.40, <3");
        assert_eq!(a.scenario, "invalid_key");
        assert_eq!(a.raises.as_deref(), Some("anthropic.AuthenticationError"));
        assert_eq!(a.env, vec![("A".to_string(), "b=c".to_string())]);
        assert_eq!(a.role, Role::Broken);
    }

    #[test]
    fn fence_annotation_errors_say_what_to_add() {
        assert!(parse_fence("python,sdk=x,scenario=ok")
            .unwrap_err()
            .contains("without a role"));
        assert!(parse_fence("python,fixed,scenario=ok")
            .unwrap_err()
            .contains("without `sdk=`"));
        assert!(parse_fence("python,broken,sdk=x,scenario=ok")
            .unwrap_err()
            .contains("raises="));
        assert!(parse_fence("rust,fixed,sdk=x,scenario=ok")
            .unwrap_err()
            .contains("not python or typescript"));
        assert!(parse_fence("python,fixed,sdk=x,scenario=ok,colour=red")
            .unwrap_err()
            .contains("unknown code block key"));
    }

    #[test]
    fn causes_split_at_the_fix_marker() {
        let c = split_cause("1. **The key was revoked.**\n   Fix: create a new key.").unwrap();
        assert_eq!(c.cause, "**The key was revoked.**");
        assert_eq!(c.fix, "create a new key.");
        let c = split_cause("2. Wrong variable. **Fix:** rename it.").unwrap();
        assert_eq!(c.cause, "Wrong variable.");
        assert_eq!(c.fix, "rename it.");
        assert!(split_cause("3. Something happened.").is_err());
    }

    #[test]
    fn lines_count_from_the_slice_start() {
        assert_eq!(line_at("a\nb\nc", 0, 5), 5);
        assert_eq!(line_at("a\nb\nc", 4, 5), 7);
    }
}
