//! The `.env` parser on any text, then the doctor's offline checks on what it read: never
//! panics, every variable and error has a line inside the file, a variable's value is
//! never longer than its raw text allows, and no finding shows the hidden part of a key.
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
    }
    for e in &errors {
        assert!(
            (1..=lines).contains(&e.line),
            "{e:?} in a {lines}-line file"
        );
    }

    let inputs = Inputs {
        files: vec![(PathBuf::from(".env"), vars.clone())],
        ..Inputs::default()
    };
    let findings = diagnose_keys(&inputs, &|_| true);
    let shown: String = findings
        .iter()
        .map(|f| format!("{}\n{}\n", f.message, f.fix))
        .collect();
    for v in &vars {
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
        // A middle that another variable spells (a name, a base URL's host, which is
        // shown in lower case) may be shown there.
        let lower = middle.to_lowercase();
        let elsewhere = vars.iter().any(|o| {
            o.name.contains(middle) || (o != v && o.value.to_lowercase().contains(&lower))
        });
        if middle.len() < 8 || elsewhere {
            continue;
        }
        assert!(
            !shown.contains(middle),
            "the hidden part of {}'s key is shown:\n{shown}",
            v.name
        );
    }
});
