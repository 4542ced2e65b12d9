//! How entry regexes are compiled for diagnosis: with a lazy-DFA cache large enough for
//! all of them ([`REGEX_SET_DFA_CACHE`]), and every word boundary made ASCII
//! (`\b` → `(?-u:\b)`): the lazy DFA that runs the one `RegexSet` cannot evaluate a
//! Unicode word boundary on non-ASCII text and hands the whole set to the PikeVM instead,
//! so a single `\b` in any entry made every diagnosis of a text with an `é` in it about
//! 13 times slower (1 MB: 2.2 s instead of 0.17 s). Signals match ASCII traceback text,
//! where both boundaries agree.

use regex_syntax::ast::{self, AssertionKind, Ast};

/// The cache of the set's lazy DFA (the `regex` default is 2 MiB). When it cannot hold the
/// states every entry regex needs at once, the set falls back to the PikeVM: at 242 entry
/// regexes, 1 MB of log lines took 1.4 s instead of 4 ms.
pub const REGEX_SET_DFA_CACHE: usize = 16 * 1024 * 1024;

/// `pattern` with each word-boundary assertion wrapped in `(?-u:…)`; a pattern that does
/// not parse is returned as it is (compiling it reports the error).
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let Ok(parsed) = ast::parse::Parser::new().parse(pattern) else {
        return pattern.to_string();
    };
    let mut spans = Vec::new();
    collect(&parsed, &mut spans);
    if spans.is_empty() {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + spans.len() * 6);
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&pattern[at..start]);
        out.push_str("(?-u:");
        out.push_str(&pattern[start..end]);
        out.push(')');
        at = end;
    }
    out.push_str(&pattern[at..]);
    out
}

/// Byte spans of the word-boundary assertions, in order. The parser's nest limit bounds
/// the recursion.
fn collect(node: &Ast, spans: &mut Vec<(usize, usize)>) {
    match node {
        Ast::Assertion(a)
            if !matches!(
                a.kind,
                AssertionKind::StartLine
                    | AssertionKind::EndLine
                    | AssertionKind::StartText
                    | AssertionKind::EndText
            ) =>
        {
            spans.push((a.span.start.offset, a.span.end.offset));
        }
        Ast::Repetition(r) => collect(&r.ast, spans),
        Ast::Group(g) => collect(&g.ast, spans),
        Ast::Alternation(a) => a.asts.iter().for_each(|n| collect(n, spans)),
        Ast::Concat(c) => c.asts.iter().for_each(|n| collect(n, spans)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn word_boundaries_become_ascii_and_nothing_else_changes() {
        for (pattern, ascii) in [
            (r"Status 401\b", r"Status 401(?-u:\b)"),
            (r"(?i)\b529\b.{0,40}x", r"(?i)(?-u:\b)529(?-u:\b).{0,40}x"),
            (r"a\Bb|\<c\>", r"a(?-u:\B)b|(?-u:\<)c(?-u:\>)"),
            (r"x\b{start}(y\b)+", r"x(?-u:\b{start})(y(?-u:\b))+"),
            (r"^a\\b$", r"^a\\b$"),
            (r"[\w.]+\.py", r"[\w.]+\.py"),
            (r"(unclosed", r"(unclosed"),
        ] {
            assert_eq!(ascii_word_boundaries(pattern), ascii, "{pattern}");
        }
    }

    #[test]
    fn ascii_boundaries_match_what_the_unicode_ones_matched_on_ascii_text() {
        for (pattern, text, matches) in [
            (
                r"Status 401\b",
                "API error occurred: Status 401 Unauthorized",
                true,
            ),
            (r"Status 401\b", "Status 4012", false),
            (r"\b11434\b", "localhost:11434: Connection refused", true),
            (r"\b11434\b", "port 114345", false),
        ] {
            let ascii = Regex::new(&ascii_word_boundaries(pattern)).unwrap();
            assert_eq!(ascii.is_match(text), matches, "{pattern} on {text}");
        }
    }
}
