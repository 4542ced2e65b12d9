//! Input normalisation: any bytes a user can paste or pipe become one clean `String`.
//!
//! Invalid UTF-8 is decoded lossily, ANSI escape sequences (colours, cursor moves, OSC
//! titles and links) are removed, and CRLF or lone CR line ends become LF. Nothing else is
//! changed: timestamps and log prefixes stay in the text (the extractors look past them),
//! so what the user sees in the answer is what they pasted, minus colours and secrets.

/// Normalises `input` as described in the module documentation.
pub fn normalize(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let bytes = text.as_bytes();
    // Fast path: nothing to remove or rewrite.
    if memchr::memchr2(0x1b, b'\r', bytes).is_none() {
        return text.into_owned();
    }
    let mut out = String::with_capacity(bytes.len());
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\r' => {
                if chars.peek().map(|&(_, n)| n) != Some('\n') {
                    out.push('\n');
                }
            }
            '\x1b' => match chars.peek().map(|&(_, n)| n) {
                // CSI: ESC [ parameters, intermediates, one final byte in @..~
                Some('[') => {
                    chars.next();
                    for (_, n) in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC: ESC ] … terminated by BEL or ESC \
                Some(']') => {
                    chars.next();
                    while let Some((_, n)) = chars.next() {
                        if n == '\x07' {
                            break;
                        }
                        if n == '\x1b' {
                            if chars.peek().map(|&(_, m)| m) == Some('\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                // Two-character sequences (ESC c, ESC =, charset selection ESC ( B).
                Some('(') | Some(')') => {
                    chars.next();
                    chars.next();
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// Where the message of a log line starts: past a timestamp, a log level, brackets and
/// separators (`2024-06-03 20:22:13,118 ERROR app: `, `[ERROR]\t2024-08-14T20:22:05Z\t`).
pub fn line_body_start(line: &str) -> usize {
    let b = line.as_bytes();
    let mut i = 0;
    for _ in 0..6 {
        let before = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'|' | b'-' | b':' | b'>') {
            i += 1;
        }
        if i < b.len() && b[i] == b'[' {
            // A bracketed prefix: [2024-…], [ERROR], [nuxt]; at most 80 bytes.
            if let Some(close) = b[i..b.len().min(i + 80)].iter().position(|&c| c == b']') {
                i += close + 1;
                continue;
            }
        }
        let ts = timestamp_len(&b[i..]);
        if ts > 0 {
            i += ts;
            continue;
        }
        let level = level_len(&b[i..]);
        if level > 0 {
            i += level;
            continue;
        }
        if i == before {
            break;
        }
    }
    i
}

fn timestamp_len(b: &[u8]) -> usize {
    // YYYY-MM-DD or YYYY/MM/DD, optionally followed by [T ]HH:MM:SS[.,frac][Z|±HH:MM]
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if b.len() >= 10
        && digits(&b[0..4])
        && matches!(b[4], b'-' | b'/')
        && digits(&b[5..7])
        && matches!(b[7], b'-' | b'/')
        && digits(&b[8..10])
    {
        let mut i = 10;
        if b.len() >= i + 9
            && matches!(b[i], b'T' | b' ')
            && digits(&b[i + 1..i + 3])
            && b[i + 3] == b':'
        {
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b':' | b'.' | b',')) {
                i += 1;
            }
            if i < b.len() && b[i] == b'Z' {
                i += 1;
            } else if i + 5 < b.len() && matches!(b[i], b'+' | b'-') && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':') {
                    i += 1;
                }
            }
        }
        return i;
    }
    // HH:MM:SS[.frac]
    if b.len() >= 8
        && digits(&b[0..2])
        && b[2] == b':'
        && digits(&b[3..5])
        && b[5] == b':'
        && digits(&b[6..8])
    {
        let mut i = 8;
        while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b'.' | b',')) {
            i += 1;
        }
        return i;
    }
    0
}

fn level_len(b: &[u8]) -> usize {
    const LEVELS: &[&[u8]] = &[
        b"CRITICAL",
        b"WARNING",
        b"ERROR",
        b"FATAL",
        b"DEBUG",
        b"TRACE",
        b"INFO",
        b"WARN",
    ];
    for level in LEVELS {
        if b.len() >= level.len()
            && b[..level.len()].eq_ignore_ascii_case(level)
            && b.get(level.len())
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            return level.len();
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_ansi_and_line_ends() {
        let input =
            b"\x1b[31mError\x1b[0m: x\r\nnext\rlast\x1b]0;title\x07 \x1b]8;;http://x\x1b\\link";
        assert_eq!(normalize(input), "Error: x\nnext\nlast link");
    }

    #[test]
    fn decodes_invalid_utf8_lossily() {
        assert_eq!(normalize(b"a\xffb"), "a\u{fffd}b");
    }

    #[test]
    fn finds_the_message_past_log_prefixes() {
        for (line, body) in [
            (
                "2024-06-03 20:22:13,118 ERROR openai.RateLimitError: x",
                "openai.RateLimitError: x",
            ),
            (
                "[ERROR]\t2024-08-14T20:22:05.431Z\tAn error occurred",
                "An error occurred",
            ),
            (
                "[2024-06-03 20:22:13,118][evals][WARNING] - Encountered",
                "Encountered",
            ),
            ("openai.RateLimitError: x", "openai.RateLimitError: x"),
            ("12:01:02.5 WARN - retrying", "retrying"),
        ] {
            assert_eq!(&line[line_body_start(line)..], body, "{line}");
        }
    }
}
