//! The `.env` parser on any text, then the doctor's offline checks on what it read: never
//! panics, every variable and error has a line inside the file, a variable's value is
//! never longer than its raw text allows, and no finding shows the hidden part of a key
//! (a part the doctor would print whatever the key held, such as a variable name, is not
//! hidden).
#![no_main]

use errdex_doctor::{diagnose_keys, parse_dotenv, Inputs};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new(".env");
    let (vars, errors) = parse_dotenv(path, text);
    let lines = text.matches('\n').count() + 1;
    for v in &vars {
        assert!(
            (1..=lines).contains(&v.line),
            "{v:?} in a {lines}-line file"
        );
        assert!(!v.name.is_empty(), "{v:?}");
        assert!(v.value.len() <= v.raw.len(), "{v:?}");
    }
    for e in &errors {
        assert!(
            (1..=lines).contains(&e.line),
            "{e:?} in a {lines}-line file"
        );
    }

    let shown = shown_for(&vars);
    for (i, v) in vars.iter().enumerate() {
        // A key: one token of key characters, of a known format.
        let value = v.value.trim();
        let token = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !token || value.len() < 20 || errdex_secrets::identify(value).is_none() {
            continue;
        }
        // What the mask hides: everything but a prefix and the last 4 characters.
        let Some(middle) = value.get(value.len() / 4..value.len() - 4) else {
            continue;
        };
        if middle.len() < 8 || !shown.contains(middle) {
            continue;
        }
        // The middle may be spelled for another reason: another variable's name or
        // value, or a name the doctor itself prints (`ANTHROPIC_API_KEY`). It leaks
        // only if the doctor shows it more often than when this key's middle is
        // something else.
        let mut other = vars.clone();
        let filler = if middle.starts_with('0') { "1" } else { "0" };
        other[i].value = v
            .value
            .replacen(middle, &filler.repeat(middle.len()), 1);
        let same_format = errdex_secrets::identify(other[i].value.trim()).map(|f| f.pattern)
            == errdex_secrets::identify(value).map(|f| f.pattern);
        if !same_format {
            continue;
        }
        let without = shown_for(&other);
        assert!(
            shown.matches(middle).count() <= without.matches(middle).count(),
            "the hidden part of {}'s key is shown:\n{shown}",
            v.name
        );
    }
});

/// Every finding's message and fix, for the variables of one `.env` file.
fn shown_for(vars: &[errdex_doctor::DotenvVar]) -> String {
    let inputs = Inputs {
        files: vec![(PathBuf::from(".env"), vars.to_vec())],
        ..Inputs::default()
    };
    diagnose_keys(&inputs, &|_| true)
        .iter()
        .map(|f| format!("{}\n{}\n", f.message, f.fix))
        .collect()
}
