//! Diagnosis speed: one 5 KB traceback against the whole knowledge base, and the same
//! against ten times as many entries, made by mutating the real entries' signals (other
//! providers, reworded literals) so that they could match real text — the automaton and
//! the regex set grow, the work per input should not grow with them.
//!
//! `cargo bench -p errdex-diagnose --bench diagnose`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use errdex_diagnose::Diagnoser;
use errdex_entry::{EntryId, Index, Provider};

const CHAINED: &str = include_str!("../tests/inputs/capture-anthropic-connection_refused.txt");
const AUTH: &str = include_str!("../tests/inputs/capture-anthropic-401.txt");
const NO_MATCH: &str = include_str!("../tests/inputs/capture-groq-429.txt");

/// A 5 KB chained traceback: connection-error frames, then the 401 traceback.
fn five_kb() -> String {
    let cut = CHAINED[..3600].rfind('\n').unwrap() + 1;
    let text = format!(
        "{}\nDuring handling of the above exception, another exception occurred:\n\n{}",
        &CHAINED[..cut],
        AUTH
    );
    assert!((4800..5400).contains(&text.len()), "{}", text.len());
    text
}

/// The real entries and, for each, nine mutants: another provider, reworded literals,
/// the exception classes moved to that provider's module.
fn ten_times(index: &Index) -> Index {
    let mut entries = index.entries.clone();
    for (k, provider) in Provider::ALL.iter().enumerate().take(9) {
        for e in &index.entries {
            let mut m = e.clone();
            m.id = EntryId::new(*provider, &format!("{}-mutant-{k}", e.id.slug)).unwrap();
            m.provider = *provider;
            m.signals.literals = e
                .signals
                .literals
                .iter()
                .map(|l| {
                    let mut words: Vec<&str> = l.split(' ').collect();
                    let n = words.len().max(1);
                    words.rotate_left(k % n);
                    format!("{} {}", words.join(" "), provider.as_str())
                })
                .collect();
            m.signals.regexes = e
                .signals
                .regexes
                .iter()
                .map(|r| format!("{r}\\s+{}", provider.as_str()))
                .collect();
            for x in &mut m.exceptions {
                let short = x.class.rsplit('.').next().unwrap().to_string();
                x.class = format!("{}.{short}", provider.as_str().replace('-', "_"));
            }
            m.error_codes = e.error_codes.iter().map(|c| format!("{c}_{k}")).collect();
            entries.push(m);
        }
    }
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    Index {
        revision: index.revision.clone(),
        entries,
        problems: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let index = errdex_kb::index();
    let input = five_kb();
    let diagnoser = Diagnoser::new(index);
    assert_eq!(
        diagnoser.diagnose(&input).matches[0].id.to_string(),
        "anthropic/authentication-error"
    );
    let big_index = ten_times(index);
    let big = Diagnoser::new(&big_index);
    assert_eq!(big.len(), 10 * diagnoser.len());
    assert_eq!(
        big.diagnose(&input).matches[0].id.to_string(),
        "anthropic/authentication-error"
    );

    let mut g = c.benchmark_group("diagnose");
    g.bench_function(format!("5KB traceback, {} entries", diagnoser.len()), |b| {
        b.iter(|| diagnoser.diagnose(black_box(input.as_bytes())))
    });
    g.bench_function(format!("5KB traceback, {} entries (10x)", big.len()), |b| {
        b.iter(|| big.diagnose(black_box(input.as_bytes())))
    });
    g.bench_function("1KB no-match traceback", |b| {
        b.iter(|| diagnoser.diagnose(black_box(NO_MATCH.as_bytes())))
    });
    g.finish();
    c.bench_function("Diagnoser::new", |b| {
        b.iter(|| Diagnoser::new(black_box(index)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
