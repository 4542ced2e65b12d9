//! An entry as one Markdown document, in the order of its page: what `get_error` and
//! the `errdex://errors/…` resources return. The sections are Markdown already; only the
//! headings, facts and code fences are added here.

use errdex_entry::views::{difficulty, language, role, severity};
use errdex_entry::{Entry, Verification};

/// The headings of [`entry`], in order (tests check that every one is present).
pub const HEADINGS: &[&str] = &[
    "What this error means",
    "Stack trace",
    "Quick fix",
    "Why it happens",
    "Detection",
    "Causes & fixes",
    "Code",
    "Workaround",
    "Prevention",
    "Compatibility",
    "Verified",
    "Related",
    "Sources",
    "Community notes",
];

/// The whole entry as Markdown.
pub fn entry(e: &Entry) -> String {
    let mut md = String::with_capacity(8 * 1024);
    let s = &e.sections;
    md.push_str(&format!("# {}\n\n", e.title));
    let http = e
        .http_status
        .map_or("no HTTP status".to_string(), |s| format!("HTTP {s}"));
    let retry = if e.retryable {
        "retryable"
    } else {
        "not retryable"
    };
    md.push_str(&format!(
        "`{}` · {} · {} · {} severity · {http} · {} · {} to fix · {retry}\n\n",
        e.id,
        e.provider,
        e.kind,
        severity(e.severity),
        difficulty(e.difficulty),
        e.time_to_fix
    ));
    md.push_str(&format!("{}\n\n", e.summary));
    if !e.exceptions.is_empty() {
        md.push_str("Raised as:\n\n");
        for x in &e.exceptions {
            md.push_str(&format!(
                "- `{}` ({} · {} {})\n",
                x.class,
                language(x.language),
                x.sdk,
                x.versions
            ));
        }
        md.push('\n');
    }
    if !e.error_codes.is_empty() {
        let codes: Vec<String> = e.error_codes.iter().map(|c| format!("`{c}`")).collect();
        md.push_str(&format!("Error codes: {}\n\n", codes.join(", ")));
    }

    section(&mut md, "What this error means", &s.meaning);
    let trace = match e.verification_run.as_deref() {
        Some(run) => format!(
            "Captured by `errdex verify` with {} on {}:\n\n{}",
            run.tested_on.first().map_or("the SDK", |s| s.as_str()),
            run.runtime,
            fence("text", &run.stack_trace)
        ),
        None => "Not captured yet: `errdex verify` records the traceback the real SDK prints."
            .to_string(),
    };
    section(&mut md, "Stack trace", &trace);
    section(&mut md, "Quick fix", &s.quick_fix);
    section(&mut md, "Why it happens", &s.why);
    section(&mut md, "Detection", &s.detection);
    let mut causes = String::new();
    for (n, c) in s.causes.iter().enumerate() {
        causes.push_str(&format!(
            "{}. {}\n   **Fix:** {}\n",
            n + 1,
            one_line(&c.cause),
            one_line(&c.fix)
        ));
    }
    section(&mut md, "Causes & fixes", &causes);
    let mut code = String::new();
    if !s.code_notes.trim().is_empty() {
        code.push_str(s.code_notes.trim());
        code.push_str("\n\n");
    }
    for x in &s.examples {
        let mut facts = vec![
            format!("**{}**", role(x.role)),
            language(x.language).to_string(),
            format!("{} {}", x.sdk, x.sdk_versions),
        ];
        if let Some(raises) = &x.raises {
            facts.push(format!("raises `{raises}`"));
        }
        code.push_str(&facts.join(" · "));
        code.push_str("\n\n");
        code.push_str(&fence(language(x.language), &x.code));
        code.push('\n');
    }
    section(&mut md, "Code", &code);
    section(&mut md, "Workaround", &s.workaround);
    section(&mut md, "Prevention", &s.prevention);
    let mut compat: String = e
        .compatibility
        .iter()
        .map(|c| {
            format!(
                "- {} {} · {} {}\n",
                language(c.language),
                c.runtime,
                c.sdk,
                c.versions
            )
        })
        .collect();
    if let Some(run) = e
        .verification_run
        .as_deref()
        .filter(|r| !r.tested_on.is_empty())
    {
        compat.push_str(&format!("- tested on {}\n", run.tested_on.join(", ")));
    }
    section(&mut md, "Compatibility", &compat);
    let mut verified = match &e.verification {
        Verification::NotRun => format!(
            "Not yet: `errdex verify --entry {}` runs its examples against the real SDK.",
            e.id
        ),
        Verification::Passed { date, sdk } => format!("Verified {date} · {sdk}"),
        Verification::Failed { date, sdk } => {
            format!("FAILED {date} · {sdk}: the examples did not behave as this page says.")
        }
        Verification::Unverifiable { reason } => format!("Cannot be verified here: {reason}"),
    };
    if let Some(run) = e.verification_run.as_deref() {
        verified.push('\n');
        for failed in &run.failed_steps {
            verified.push_str(&format!("\n- {failed}"));
        }
        verified.push_str(&format!("\n\nTranscript: `{}`", run.record));
    }
    section(&mut md, "Verified", &verified);
    let mut related = String::new();
    for (label, ids) in [
        ("Often confused with", &e.related.confused_with),
        ("Tends to lead to", &e.related.leads_to),
    ] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
            related.push_str(&format!("- {label}: {}\n", ids.join(", ")));
        }
    }
    if related.is_empty() {
        related.push_str("None recorded.");
    }
    section(&mut md, "Related", &related);
    let sources: String = e.sources.iter().map(|s| format!("- {s}\n")).collect();
    section(&mut md, "Sources", &sources);
    section(
        &mut md,
        "Community notes",
        "Readers' notes are on the entry's web page (`errdex serve`).",
    );
    md
}

fn section(md: &mut String, heading: &str, body: &str) {
    md.push_str("## ");
    md.push_str(heading);
    md.push_str("\n\n");
    md.push_str(body.trim());
    md.push_str("\n\n");
}

/// A fenced code block whose fence is longer than any backtick run in `code`.
fn fence(lang: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    format!("{ticks}{lang}\n{}\n{ticks}\n", code.trim_end())
}

/// A cause or fix (a Markdown paragraph) on one line, so the numbered list stays a list.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_present_in_page_order() {
        let index = errdex_kb::index();
        let e = index
            .get(&"anthropic/authentication-error".parse().unwrap())
            .unwrap();
        let md = entry(e);
        assert!(md.starts_with(&format!("# {}\n", e.title)));
        let mut at = 0;
        for h in HEADINGS {
            let found = md[at..]
                .find(&format!("\n## {h}\n"))
                .unwrap_or_else(|| panic!("no section {h} after byte {at}:\n{md}"));
            at += found + 1;
        }
        assert!(md.contains(&e.sections.quick_fix.trim()[..20]));
        assert!(md.contains("```python"));
    }

    #[test]
    fn a_fence_outlasts_backticks_in_the_code() {
        assert_eq!(fence("text", "a ``` b"), "````text\na ``` b\n````\n");
        assert_eq!(fence("python", "x = 1\n"), "```python\nx = 1\n```\n");
    }
}
