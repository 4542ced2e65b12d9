//! Properties: diagnosis never panics on any bytes, and a key inserted anywhere never
//! survives into anything it returns (the JSON of the whole diagnosis is checked).

use errdex_diagnose::Diagnoser;
use errdex_secrets::KEY_FORMATS;
use proptest::prelude::*;
use std::sync::OnceLock;

fn diagnoser() -> &'static Diagnoser {
    static D: OnceLock<Diagnoser> = OnceLock::new();
    D.get_or_init(|| Diagnoser::new(errdex_kb::index()))
}

const CAPTURE: &str = include_str!("inputs/capture-anthropic-401.txt");
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The nearest char boundary at or before `i` in the capture.
fn floor(mut i: usize) -> usize {
    while !CAPTURE.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let d = diagnoser().diagnose(&bytes);
        for m in &d.matches {
            prop_assert!((0.0..=1.0).contains(&m.confidence));
            for e in &m.evidence {
                prop_assert!(e.start <= e.end && e.end <= d.text.len());
            }
        }
    }

    #[test]
    fn never_panics_on_text_near_errors(
        text in "[ -~\n]{0,300}",
        cut in 0usize..CAPTURE.len(),
    ) {
        // Real error text cut anywhere and glued to noise.
        let mut input = CAPTURE[..floor(cut)].to_string();
        input.push_str(&text);
        let _ = diagnoser().diagnose(&input);
    }

    #[test]
    fn always_redacts(
        format in 0usize..KEY_FORMATS.len(),
        seed in proptest::collection::vec(any::<u8>(), 8..64),
        at in 0usize..CAPTURE.len(),
        // An escape sequence cut short right before the key (terminal output pasted half).
        label in prop::sample::select(vec!["", "api_key=", "Authorization: Bearer ", "x-api-key: ", "?key=", "\x1b[", "\x1b", "\x1b(", "\x1b[1;"]),
    ) {
        let f = &KEY_FORMATS[format];
        let body: String = (0..f.min_body + 24)
            .map(|i| ALNUM[(seed[i % seed.len()] as usize + 3 * i) % ALNUM.len()] as char)
            .collect();
        let body = if f.prefix == "AKIA" { body.to_ascii_uppercase() } else { body };
        let key = format!("{}{}", f.prefix, body);
        let at = floor(at);
        let input = format!("{} {label}{key} {}", &CAPTURE[..at], &CAPTURE[at..]);
        let d = diagnoser().diagnose(&input);
        let json = serde_json::to_string(&d).unwrap();
        let hidden = &key[key.len() / 4..key.len() - 4];
        prop_assert!(!json.contains(hidden), "key survived: {key}\n{json}");
    }
}
