//! An entry for the terminal: sections with headings, Markdown turned into wrapped text,
//! code examples with the colours computed at build time.

use crate::output::{Output, BAD, BOLD, CODE, DIM, GOOD, HEADING};
use errdex_entry::views::{difficulty, language, severity};
use errdex_entry::{Entry, Role, Verification};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

const WIDTH: usize = 88;
const INDENT: &str = "  ";

pub fn entry(e: &Entry, out: &Output) -> String {
    let mut page = String::new();
    let push = |page: &mut String, text: &str| {
        page.push_str(text);
        page.push('\n');
    };
    let http = e
        .http_status
        .map_or("no HTTP status".to_string(), |s| format!("HTTP {s}"));
    let retry = if e.retryable {
        "retryable"
    } else {
        "not retryable"
    };
    push(&mut page, &out.paint(BOLD, &e.title));
    push(
        &mut page,
        &out.paint(
            DIM,
            &format!(
                "{} · {} severity · {http} · {} · {} to fix · {retry}",
                e.id,
                severity(e.severity),
                difficulty(e.difficulty),
                e.time_to_fix
            ),
        ),
    );
    for x in &e.exceptions {
        push(
            &mut page,
            &format!(
                "{INDENT}{} {}",
                out.paint(CODE, &x.class),
                out.paint(
                    DIM,
                    &format!("({} · {} {})", language(x.language), x.sdk, x.versions)
                )
            ),
        );
    }

    let s = &e.sections;
    section(&mut page, out, "What it means", &markdown(&s.meaning, out));
    let trace = match e.verification_run.as_deref() {
        Some(run) => {
            let mut text = format!(
                "{INDENT}{}\n",
                out.paint(
                    DIM,
                    &format!(
                        "captured by errdex verify with {} on {}",
                        run.tested_on.first().map_or("the SDK", |s| s.as_str()),
                        run.runtime
                    )
                )
            );
            for line in run.stack_trace.trim_end().lines() {
                text.push_str(&format!("{INDENT}{INDENT}{line}\n"));
            }
            text
        }
        None => format!(
            "{INDENT}{}\n",
            out.paint(
                DIM,
                "Not captured yet: `errdex verify` records the traceback the real SDK prints."
            )
        ),
    };
    section(&mut page, out, "Stack trace", &trace);
    section(&mut page, out, "Quick fix", &markdown(&s.quick_fix, out));
    section(&mut page, out, "Why it happens", &markdown(&s.why, out));
    section(&mut page, out, "Detection", &markdown(&s.detection, out));
    let mut causes = String::new();
    for (n, cause) in s.causes.iter().enumerate() {
        let label = format!("{}. ", n + 1);
        causes.push_str(&wrap(
            &inline(&cause.cause, out),
            &format!("{INDENT}{label}"),
            &format!("{INDENT}   "),
        ));
        causes.push_str(&wrap(
            &format!("{} {}", out.paint(BOLD, "Fix:"), inline(&cause.fix, out)),
            &format!("{INDENT}   "),
            &format!("{INDENT}   "),
        ));
    }
    section(&mut page, out, "Causes & fixes", &causes);
    let mut code = markdown(&s.code_notes, out);
    for x in &s.examples {
        let label = match x.role {
            Role::Broken => out.paint(BAD, "✗ broken"),
            Role::Fixed => out.paint(GOOD, "✓ fixed"),
        };
        let mut facts = vec![
            language(x.language).to_string(),
            format!("{} {}", x.sdk, x.sdk_versions),
        ];
        if let Some(raises) = &x.raises {
            facts.push(format!("raises {raises}"));
        }
        facts.push(format!("mock scenario {}", x.scenario));
        code.push_str(&format!(
            "\n{INDENT}{label} {}\n",
            out.paint(DIM, &facts.join(" · "))
        ));
        let body = match (&x.highlighted_ansi, out.color) {
            (Some(colored), true) => colored.as_str(),
            _ => x.code.as_str(),
        };
        for line in body.trim_end().lines() {
            code.push_str(&format!("{INDENT}{INDENT}{line}\n"));
        }
    }
    section(&mut page, out, "Code", &code);
    section(&mut page, out, "Workaround", &markdown(&s.workaround, out));
    section(&mut page, out, "Prevention", &markdown(&s.prevention, out));

    let compat: String = e
        .compatibility
        .iter()
        .map(|c| {
            format!(
                "{INDENT}{} {} · {} {}\n",
                language(c.language),
                c.runtime,
                c.sdk,
                c.versions
            )
        })
        .collect();
    let mut compat = compat;
    if let Some(run) = e
        .verification_run
        .as_deref()
        .filter(|r| !r.tested_on.is_empty())
    {
        compat.push_str(&format!("{INDENT}tested on {}\n", run.tested_on.join(", ")));
    }
    section(&mut page, out, "Compatibility", &compat);
    let verified = match &e.verification {
        Verification::NotRun => format!(
            "not yet: `errdex verify --entry {}` runs its examples against the real SDK",
            e.id
        ),
        Verification::Passed { date, sdk } => format!("Verified {date} · {sdk}"),
        Verification::Failed { date, sdk } => format!("FAILED {date} · {sdk}"),
        Verification::Unverifiable { reason } => format!("cannot be verified here: {reason}"),
    };
    let mut verified = wrap(&verified, INDENT, INDENT);
    if let Some(run) = e.verification_run.as_deref() {
        for failed in &run.failed_steps {
            verified.push_str(&wrap(
                failed,
                &format!("{INDENT}- "),
                &format!("{INDENT}  "),
            ));
        }
        verified.push_str(&format!(
            "{INDENT}{}\n",
            out.paint(DIM, &format!("Verify: transcript in {}", run.record))
        ));
    }
    section(&mut page, out, "Verified", &verified);
    let mut related = String::new();
    for (label, ids) in [
        ("confused with", &e.related.confused_with),
        ("leads to", &e.related.leads_to),
    ] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            related.push_str(&format!("{INDENT}{label}: {}\n", ids.join(", ")));
        }
    }
    if !related.is_empty() {
        section(&mut page, out, "Related", &related);
    }
    let sources: String = e
        .sources
        .iter()
        .map(|s| format!("{INDENT}- {s}\n"))
        .collect();
    section(&mut page, out, "Sources", &sources);
    section(
        &mut page,
        out,
        "Community notes",
        &format!(
            "{INDENT}{}\n",
            out.paint(DIM, "Readers' notes are on the entry's web page.")
        ),
    );
    page
}

fn section(page: &mut String, out: &Output, heading: &str, body: &str) {
    page.push('\n');
    page.push_str(&out.paint(HEADING, heading));
    page.push('\n');
    page.push_str(body);
}

/// Block-level Markdown: paragraphs, lists (nested), code blocks.
fn markdown(source: &str, out: &Output) -> String {
    let mut text = String::new();
    let mut para = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_code = false;
    let mut item_prefix: Option<String> = None;
    let flush =
        |text: &mut String, para: &mut String, prefix: &mut Option<String>, depth: usize| {
            if para.trim().is_empty() {
                para.clear();
                return;
            }
            let indent = INDENT.repeat(depth + 1);
            match prefix.take() {
                Some(p) => {
                    let rest = format!("{indent}{}", " ".repeat(p.chars().count()));
                    text.push_str(&wrap(para.trim(), &format!("{indent}{p}"), &rest));
                }
                None => {
                    let rest = if depth > 0 {
                        format!("{indent}  ")
                    } else {
                        indent.clone()
                    };
                    text.push_str(&wrap(para.trim(), &rest, &rest));
                }
            }
            para.clear();
        };
    let mut emphasis: Vec<anstyle::Style> = Vec::new();
    let mut link_url: Option<String> = None;
    for event in Parser::new(source) {
        let depth = lists.len().saturating_sub(1);
        match event {
            Event::Start(Tag::List(start)) => {
                flush(&mut text, &mut para, &mut item_prefix, depth);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut text, &mut para, &mut item_prefix, depth);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut text, &mut para, &mut item_prefix, depth);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "- ".to_string(),
                };
                item_prefix = Some(marker);
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                flush(&mut text, &mut para, &mut item_prefix, depth);
                if lists.is_empty() {
                    text.push('\n');
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut text, &mut para, &mut item_prefix, depth);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                text.push('\n');
            }
            Event::Text(t) if in_code => {
                for line in t.lines() {
                    text.push_str(&format!("{INDENT}{INDENT}{}\n", out.paint(CODE, line)));
                }
            }
            Event::Text(t) => match emphasis.last() {
                Some(style) => para.push_str(&out.paint(*style, &t)),
                None => para.push_str(&t),
            },
            Event::Code(t) => para.push_str(&code_span(&t, out)),
            Event::Start(Tag::Strong) => emphasis.push(BOLD),
            Event::Start(Tag::Emphasis) => emphasis.push(anstyle::Style::new().italic()),
            Event::End(TagEnd::Strong) | Event::End(TagEnd::Emphasis) => {
                emphasis.pop();
            }
            Event::Start(Tag::Link { dest_url, .. }) => link_url = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link_url.take() {
                    para.push_str(&format!(" ({url})"));
                }
            }
            Event::SoftBreak => para.push(' '),
            Event::HardBreak => para.push('\n'),
            _ => {}
        }
    }
    flush(&mut text, &mut para, &mut item_prefix, 0);
    while text.ends_with("\n\n") {
        text.pop();
    }
    text
}

/// Inline Markdown only (for the parts of a cause), as one line of text.
fn inline(source: &str, out: &Output) -> String {
    let mut text = String::new();
    let mut bold = false;
    for event in Parser::new(source) {
        match event {
            Event::Text(t) if bold => text.push_str(&out.paint(BOLD, &t)),
            Event::Text(t) => text.push_str(&t),
            Event::Code(t) => text.push_str(&code_span(&t, out)),
            Event::Start(Tag::Strong) => bold = true,
            Event::End(TagEnd::Strong) => bold = false,
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn code_span(code: &str, out: &Output) -> String {
    if out.color {
        out.paint(CODE, code)
    } else {
        format!("`{code}`")
    }
}

/// Wraps to the page width; textwrap measures without the colour escapes.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut wrapped = String::new();
    for line in text.split('\n') {
        for l in textwrap::wrap(line, &options) {
            wrapped.push_str(&l);
            wrapped.push('\n');
        }
    }
    wrapped
}
