//! Entry prose is Markdown written by authors; it is rendered with pulldown-cmark and then
//! sanitised with ammonia, so that nothing in a knowledge-base file can put script or raw
//! HTML on a page. Community notes, written by anyone, get a stricter pass
//! ([`note_html`]): raw HTML is dropped before rendering, only a few text tags survive,
//! no images (a page loads nothing from elsewhere), and links carry
//! `rel="nofollow ugc noopener"`.

use pulldown_cmark::{html, Event, Options, Parser};
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow noopener"));
    b
});

/// Sanitised HTML for a Markdown text.
pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    CLEANER.clean(&out).to_string()
}

static NOTE_CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(
        [
            "a",
            "blockquote",
            "br",
            "code",
            "del",
            "em",
            "hr",
            "li",
            "ol",
            "p",
            "pre",
            "strong",
            "ul",
        ]
        .into_iter()
        .collect(),
    )
    .link_rel(Some("nofollow ugc noopener"))
    .url_schemes(["http", "https", "mailto"].into_iter().collect());
    b
});

/// How deeply a note's Markdown may nest (a list in a block quote in a list…). html5ever,
/// under ammonia, looks through the open elements at every tag, so sanitising costs depth²:
/// 4,000 `>` took seconds. Real notes nest a few levels.
pub const NOTE_MAX_NESTING: usize = 16;

/// The deepest nesting of Markdown elements (block and inline) in a text. pulldown-cmark
/// parses in linear time whatever the depth.
pub fn nesting_depth(markdown: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Sanitised HTML for a community note: raw HTML removed, a few text tags kept, links
/// `rel="nofollow ugc noopener"`. A note nested deeper than [`NOTE_MAX_NESTING`] (refused
/// when submitted, but one could arrive by import) is shown as escaped plain text.
pub fn note_html(markdown: &str) -> String {
    if nesting_depth(markdown) > NOTE_MAX_NESTING {
        return format!("<p>{}</p>", ammonia::clean_text(markdown));
    }
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH)
        .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    NOTE_CLEANER.clean(&out).to_string()
}

/// Like [`to_html`] for one short text, without the wrapping paragraph.
pub fn inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_removes_script() {
        let html = to_html("Use `ANTHROPIC_API_KEY`.\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert!(html.contains("<code>ANTHROPIC_API_KEY</code>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
    }

    #[test]
    fn notes_lose_raw_html_images_and_headings_and_links_are_ugc() {
        let html = note_html(
            "# Big\n\nUse <b>this</b> `code` and [docs](https://example.com).\n\n![x](https://example.com/t.png)\n\n<div onclick=x>raw</div>",
        );
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com\" rel=\"nofollow ugc noopener\">docs</a>"),
            "{html}"
        );
        for gone in ["<b>", "<h1", "<img", "<div", "onclick", "raw"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        assert!(html.contains("Big"), "heading text stays: {html}");
    }

    /// Deep nesting renders on a test thread's 2 MiB stack: pulldown-cmark and html5ever
    /// (under ammonia) build and walk their trees without recursion. A note nested beyond
    /// the limit is escaped text, so its cost stays linear.
    #[test]
    fn deeply_nested_markdown_renders_without_overflowing_the_stack() {
        let payloads = |depth: usize| {
            [
                ">".repeat(depth) + " deep",
                (0..depth).map(|_| "- ").collect::<String>() + "deep",
                "*".repeat(depth) + "deep" + &"*".repeat(depth),
                "[".repeat(depth) + "deep" + &"](https://example.com)".repeat(depth),
                "<b>".repeat(depth) + "deep",
            ]
        };
        for nested in payloads(1_000) {
            assert!(to_html(&nested).contains("deep"));
        }
        // Entry Markdown 10,000 quotes deep: slow to sanitise (depth²), but no overflow.
        assert!(to_html(&(">".repeat(10_000) + " deep")).contains("deep"));
        for nested in payloads(10_000) {
            let note = note_html(&nested);
            assert!(note.contains("deep"));
            assert!(!note.contains("<b>") && !note.contains("<blockquote>"));
        }
        assert_eq!(nesting_depth(&">".repeat(10_000)), 10_000);
        let fine = "> 1. **Pin** the `anthropic` version:\n>    - *0.40* works";
        assert!(nesting_depth(fine) <= NOTE_MAX_NESTING);
        assert!(note_html(fine).contains("<strong>Pin</strong>"));
    }

    #[test]
    fn inline_drops_the_paragraph() {
        assert_eq!(
            inline_html("**The key was revoked.**"),
            "<strong>The key was revoked.</strong>"
        );
    }
}
