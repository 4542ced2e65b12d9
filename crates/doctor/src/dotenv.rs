//! A `.env` parser that keeps what the doctor needs and dotenv crates throw away: the line of
//! each variable and its raw text (quotes and whitespace included). Hand-written for that
//! reason: `dotenvy` and friends return only the final values.
//!
//! The accepted syntax is the common one of python-dotenv and Node's dotenv: `NAME=value`,
//! an optional `export ` prefix, `#` comments (whole line, or after whitespace in an
//! unquoted value), single quotes (literal), double quotes (with `\n`, `\"`, `\\` escapes)
//! and backticks, the quoted forms spanning several lines.

use std::fmt;
use std::path::{Path, PathBuf};

/// How a value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

/// One assignment in a `.env` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvVar {
    pub name: String,
    /// The value as a dotenv loader hands it to the program.
    pub value: String,
    /// Everything after `=` as written, up to the end of the value (quotes, spaces and
    /// line breaks included; a trailing comment excluded).
    pub raw: String,
    pub quote: Quote,
    /// 1-based line of the name.
    pub line: usize,
}

/// A line the parser could not read; the rest of the file is still parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Parses a whole file; every readable assignment is returned with the errors.
pub fn parse_dotenv(file: &Path, text: &str) -> (Vec<DotenvVar>, Vec<DotenvError>) {
    let mut vars = Vec::new();
    let mut errors = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    let error = |line: usize, message: String| DotenvError {
        file: file.to_path_buf(),
        line,
        message,
    };
    while pos < bytes.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let current = text[pos..line_end].trim_end_matches('\r');
        let trimmed = current.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pos = line_end + 1;
            line += 1;
            continue;
        }
        let body = trimmed
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(trimmed);
        let Some(eq) = body.find('=') else {
            errors.push(error(
                line,
                format!("`{}` is not an assignment: write NAME=value", clip(body)),
            ));
            pos = line_end + 1;
            line += 1;
            continue;
        };
        let name = body[..eq].trim();
        if !is_name(name) {
            errors.push(error(
                line,
                format!("`{}` is not a variable name: use letters, digits and `_`, not starting with a digit", clip(name)),
            ));
            pos = line_end + 1;
            line += 1;
            continue;
        }
        // Offset of the first character after `=` in the whole text.
        let after_eq =
            pos + (current.len() - trimmed.len()) + (trimmed.len() - body.len()) + eq + 1;
        let rest = &text[after_eq..];
        let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let quote = match rest[lead..].chars().next() {
            Some('\'') => Quote::Single,
            Some('"') => Quote::Double,
            Some('`') => Quote::Backtick,
            _ => Quote::None,
        };
        let start_line = line;
        match quote {
            Quote::None => {
                let value_text = text[after_eq..line_end].trim_end_matches('\r');
                // A comment starts at `#` after whitespace.
                let cut = value_text
                    .char_indices()
                    .find(|&(i, c)| c == '#' && i > 0 && value_text[..i].ends_with([' ', '\t']))
                    .map_or(value_text.len(), |(i, _)| i);
                let raw = &value_text[..cut];
                vars.push(DotenvVar {
                    name: name.to_string(),
                    value: raw.trim().to_string(),
                    raw: raw.trim_end_matches([' ', '\t']).to_string(),
                    quote,
                    line: start_line,
                });
                pos = line_end + 1;
                line += 1;
            }
            _ => {
                let q = match quote {
                    Quote::Single => '\'',
                    Quote::Double => '"',
                    _ => '`',
                };
                let open = after_eq + lead;
                let mut value = String::new();
                let mut close = None;
                let mut chars = text[open + 1..].char_indices();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' if quote == Quote::Double => match chars.next() {
                            Some((_, 'n')) => value.push('\n'),
                            Some((_, 'r')) => value.push('\r'),
                            Some((_, 't')) => value.push('\t'),
                            Some((_, other)) => {
                                if !matches!(other, '"' | '\\' | '$') {
                                    value.push('\\');
                                }
                                value.push(other);
                            }
                            None => value.push('\\'),
                        },
                        c if c == q => {
                            close = Some(open + 1 + i);
                            break;
                        }
                        c => value.push(c),
                    }
                }
                let Some(close) = close else {
                    errors.push(error(
                        start_line,
                        format!(
                            "the value of `{name}` opens a {} quote that is never closed: close it",
                            quote_name(quote)
                        ),
                    ));
                    break;
                };
                let raw = &text[after_eq..=close];
                line += raw.matches('\n').count();
                let close_line_end = text[close..].find('\n').map_or(text.len(), |i| close + i);
                let tail = text[close + 1..close_line_end]
                    .trim_end_matches('\r')
                    .trim();
                if !tail.is_empty() && !tail.starts_with('#') {
                    errors.push(error(
                        line,
                        format!(
                            "`{}` after the closing quote of `{name}`: remove it or put it inside the quotes",
                            clip(tail)
                        ),
                    ));
                }
                vars.push(DotenvVar {
                    name: name.to_string(),
                    value,
                    raw: raw.to_string(),
                    quote,
                    line: start_line,
                });
                pos = close_line_end + 1;
                line += 1;
            }
        }
    }
    (vars, errors)
}

fn quote_name(q: Quote) -> &'static str {
    match q {
        Quote::Single => "single",
        Quote::Double => "double",
        Quote::Backtick => "backtick",
        Quote::None => "no",
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

/// A short, safe excerpt for messages: never a whole value, and a key in it masked (a key
/// pasted on a line of its own is not an assignment, and its first 24 characters would be
/// a third of it); control characters are shown escaped, so that a file cannot send
/// escape sequences to the terminal.
fn clip(s: &str) -> String {
    let redacted = errdex_secrets::redact(s).text;
    let mut out = String::new();
    for c in redacted.chars().take(24) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if redacted.chars().nth(24).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<DotenvVar>, Vec<DotenvError>) {
        parse_dotenv(Path::new(".env"), text)
    }

    #[test]
    fn reads_the_common_forms_with_lines_and_raw_text() {
        let (vars, errors) = parse(
            "# comment\n\nexport A=1\nB = two words  # note\nC='single $X'\nD=\"a\\nb\"\r\nE=`tick`\nF=\nG=x#y\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<(&str, &str, usize)> = vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str(), v.line))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", 3),
                ("B", "two words", 4),
                ("C", "single $X", 5),
                ("D", "a\nb", 6),
                ("E", "tick", 7),
                ("F", "", 8),
                ("G", "x#y", 9)
            ]
        );
        assert_eq!(vars[1].raw, " two words");
        assert_eq!(vars[2].raw, "'single $X'");
        assert_eq!(vars[2].quote, Quote::Single);
    }

    #[test]
    fn multi_line_values_keep_counting_lines() {
        let (vars, errors) = parse("A=\"line one\nline two\"\nB=after\n");
        assert!(errors.is_empty());
        assert_eq!(vars[0].value, "line one\nline two");
        assert_eq!(vars[1].line, 3);
    }

    #[test]
    fn whitespace_inside_quotes_is_kept_and_visible_in_raw() {
        let (vars, _) = parse("KEY=\" sk-ant-abc \"\nK2=sk-ant-abc   \n");
        assert_eq!(vars[0].value, " sk-ant-abc ");
        assert_eq!(vars[1].value, "sk-ant-abc");
        assert_eq!(vars[1].raw, "sk-ant-abc");
    }

    #[test]
    fn malformed_lines_are_reported_with_file_and_line_and_parsing_goes_on() {
        let (vars, errors) =
            parse("GOOD=1\njust some words\n1BAD=x\nOPEN=\"never closed\nMORE=2\n");
        assert_eq!(vars.len(), 1);
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages,
            [
                ".env:2: `just some words` is not an assignment: write NAME=value",
                ".env:3: `1BAD` is not a variable name: use letters, digits and `_`, not starting with a digit",
                ".env:4: the value of `OPEN` opens a double quote that is never closed: close it",
            ]
        );
        let (_, errors) = parse("A=\"x\" trailing\n");
        assert_eq!(errors[0].to_string(), ".env:1: `trailing` after the closing quote of `A`: remove it or put it inside the quotes");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "=",
            "=\"",
            "A=\"\\",
            "export",
            "export =",
            "\u{feff}A=1",
            "A='",
            "\r\n\r\n",
            "A=\"é\"",
            "Ä=1",
        ] {
            let _ = parse(text);
        }
    }
}
