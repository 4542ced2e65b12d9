//! Property: whatever text surrounds it, no inserted key survives redaction — neither
//! whole nor its hidden middle — and what stays visible obeys the rule.

use errdex_secrets::{redact, KEY_FORMATS, MASK};
use proptest::prelude::*;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn body(len: usize, seed: &[u8]) -> String {
    (0..len)
        .map(|i| ALNUM[(seed[i % seed.len()] as usize + i * 7) % ALNUM.len()] as char)
        .collect()
}

/// A key of every known format, plus secrets known only by their label.
fn secrets(seed: &[u8], len: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = KEY_FORMATS
        .iter()
        .map(|f| {
            let b = body(len.max(f.min_body + 8), seed);
            let b = if f.prefix == "AKIA" {
                b.to_ascii_uppercase()
            } else {
                b
            };
            let key = format!("{}{}", f.prefix, b);
            (key.clone(), key)
        })
        .collect();
    let token = body(len.max(24), seed);
    for template in [
        "Authorization: Bearer {}",
        "x-api-key: {}",
        "'api-key': '{}'",
        "https://generativelanguage.googleapis.com/v1/models?key={}&alt=sse",
        "MY_APP_API_KEY={}",
        "Bearer {}",
    ] {
        out.push((template.replace("{}", &token), token.clone()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_inserted_key_survives(
        before in "[ -~\n\u{e9}\u{4e2d}]{0,120}",
        after in "[ -~\n\u{e9}\u{4e2d}]{0,120}",
        seed in proptest::collection::vec(any::<u8>(), 1..64),
        len in 20usize..120,
    ) {
        for (inserted, key) in secrets(&seed, len) {
            let text = format!("{before} {inserted}\n{after}");
            let redacted = redact(&text).text;
            prop_assert!(!redacted.contains(&key), "key survived:\n{text}\n→ {redacted}");
            // The hidden middle: everything but a possible prefix and the last 4.
            let middle = &key[key.len() / 4..key.len() - 4];
            if middle.len() >= 8 {
                prop_assert!(!redacted.contains(middle), "middle survived:\n{text}\n→ {redacted}");
            }
            prop_assert!(redacted.contains(MASK));
        }
    }

    #[test]
    fn redaction_never_panics_and_keeps_text_outside_secrets(text in "\\PC{0,400}") {
        let r = redact(&text);
        for span in &r.spans {
            prop_assert!(r.text.is_char_boundary(span.start) && r.text.is_char_boundary(span.end));
            prop_assert!(r.text[span.start..span.end].contains(MASK));
        }
        if r.spans.is_empty() {
            prop_assert_eq!(r.text, text);
        }
    }
}
