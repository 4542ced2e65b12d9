//! Diagnosis on any bytes, over the real knowledge base: never panics, every evidence
//! offset is a char-boundary range of the redacted text, and a key of every known format
//! inserted into the input appears nowhere in the answer (text, evidence, facts).
#![no_main]

use errdex_diagnose::Diagnoser;
use errdex_secrets::KEY_FORMATS;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn diagnoser() -> &'static Diagnoser {
    static DIAGNOSER: OnceLock<Diagnoser> = OnceLock::new();
    DIAGNOSER.get_or_init(|| Diagnoser::new(errdex_kb::index()))
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn check(text: &[u8]) -> String {
    let d = diagnoser().diagnose(text);
    let all = d.matches.iter().flat_map(|m| &m.evidence);
    for e in all.chain(&d.facts.provider_evidence) {
        assert!(
            e.start <= e.end
                && e.end <= d.text.len()
                && d.text.is_char_boundary(e.start)
                && d.text.is_char_boundary(e.end),
            "evidence {e:?} outside the {}-byte text",
            d.text.len()
        );
    }
    for m in &d.matches {
        assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
    }
    serde_json::to_string(&d).expect("a diagnosis serialises")
}

fuzz_target!(|data: &[u8]| {
    check(data);

    // The redaction invariant: a key of a known format (chosen and spelt by the input's
    // first bytes) placed on its own line inside the input never comes back. ESC is kept
    // out of the text before it, so that an unterminated escape sequence cannot swallow
    // the line break and the key's first character.
    let [choice, len, seed @ ..] = data else {
        return;
    };
    if seed.is_empty() {
        return;
    }
    let format = &KEY_FORMATS[*choice as usize % KEY_FORMATS.len()];
    let n = (format.min_body + 8).max(20 + *len as usize % 100);
    let mut body: String = (0..n)
        .map(|i| ALNUM[(seed[i % seed.len()] as usize + i * 7) % ALNUM.len()] as char)
        .collect();
    if format.prefix == "AKIA" {
        body.make_ascii_uppercase();
    }
    let key = format!("{}{}", format.prefix, body);
    let (before, after) = seed.split_at(seed.len() / 2);
    let mut text: Vec<u8> = before.iter().copied().filter(|&b| b != 0x1b).collect();
    text.extend_from_slice(b"\n");
    text.extend_from_slice(key.as_bytes());
    text.extend_from_slice(b"\n");
    text.extend_from_slice(after);
    let answer = check(&text);
    let middle = &key[key.len() / 4..key.len() - 4];
    if String::from_utf8_lossy(seed).contains(middle) {
        return; // the text around the key spells it too: nothing to tell apart
    }
    assert!(!answer.contains(&key), "the key survived: {answer}");
    if middle.len() < 8 || !answer.contains(middle) {
        return;
    }
    // The answer may spell the middle for another reason (an entry's title or quick
    // fix): it leaks only if it comes back more often than when the key's middle is
    // something else of the same format.
    let filler = if middle.starts_with('0') { "1" } else { "0" };
    let other = key.replacen(middle, &filler.repeat(middle.len()), 1);
    let start = before.len() - before.iter().filter(|&&b| b == 0x1b).count() + 1;
    text.splice(start..start + key.len(), other.bytes());
    let without = check(&text);
    assert!(
        answer.matches(middle).count() <= without.matches(middle).count(),
        "the key's middle survived: {answer}"
    );
});
