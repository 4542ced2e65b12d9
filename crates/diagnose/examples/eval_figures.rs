//! The accuracy figures of `bench/eval.sh`, from the answers of `errdex diagnose --batch`.
//!
//! ```text
//! eval_figures captures DIR                  # captured tracebacks → batch input (JSON Lines)
//! eval_figures figures LIST DEVSET ANSWERS CAPTURED CAPTURED_ANSWERS
//! ```
//!
//! `LIST` is `errdex list --json` (which (provider, kind) pairs have an entry). Devset
//! lines are split into the tuning half (odd line numbers) and the held-out half (even).

use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("captures") if args.len() == 2 => captures(Path::new(&args[1])),
        Some("figures") if args.len() == 6 => figures(&args[1..]),
        _ => {
            eprintln!("usage: eval_figures captures DIR | figures LIST DEVSET ANSWERS CAPTURED CAPTURED_ANSWERS");
            std::process::exit(2);
        }
    }
}

fn read_jsonl(path: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

/// The label of a capture, from its file name: `<sdk>-<case>.txt`.
fn capture_label(stem: &str) -> Option<(&'static str, &'static str)> {
    let sdks = [
        ("node-anthropic-", "anthropic"),
        ("node-groq-", "groq"),
        ("node-openai-", "openai"),
        ("anthropic-", "anthropic"),
        ("cohere-", "cohere"),
        ("fireworks-", "fireworks"),
        ("google-genai-", "google"),
        ("groq-", "groq"),
        ("mistralai-", "mistral"),
        ("openai-", "openai"),
        ("together-", "together"),
    ];
    let (prefix, provider) = sdks.iter().find(|(p, _)| stem.starts_with(p))?;
    let case = &stem[prefix.len()..];
    let kind = match case {
        // The mock's Gemini 400 is the bad-key answer: 400 INVALID_ARGUMENT, API_KEY_INVALID
        // (sdk-facts.md §5.8), so it is an authentication error.
        "400" if *provider == "google" => "authentication",
        "400" => "bad_request",
        "401" => "authentication",
        "403" => "permission",
        "404" => "not_found",
        "413" => "request_too_large",
        "422" => "unprocessable",
        "429" => "rate_limit",
        "429-insufficient_quota" | "429-enforced_spend_limit_reached" => "quota_exceeded",
        "500" => "server_error",
        "503" | "529" => "overloaded",
        "connection_refused" => "connection",
        "timeout" => "timeout",
        // Mistral sends the request without a key; the server's 401 is what the user sees.
        "no_key" if *provider == "mistral" => "authentication",
        "no_key" => "missing_api_key",
        "nonstreaming_long_request" => "sdk_usage",
        _ => return None,
    };
    Some((provider, kind))
}

fn captures(dir: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("the captures folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for path in names {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let Some((provider, kind)) = capture_label(&stem) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("a capture");
        // Only what the program printed: the traceback or Node's stack, not the snippet.
        let Some(at) = text.find("=== stderr") else {
            continue;
        };
        let printed = text[at..].split_once('\n').map_or("", |(_, rest)| rest);
        let line =
            serde_json::json!({"id": stem, "text": printed, "provider": provider, "kind": kind});
        println!("{line}");
    }
}

#[derive(Default)]
struct Tally {
    known_named: usize,
    known: usize,
    unknown_silent: usize,
    unknown: usize,
    negatives_rejected: usize,
    negatives: usize,
    positives_top1: usize,
    positives: usize,
    wrong: Vec<String>,
}

fn top(answer: &Value) -> Option<(String, String, String, f64)> {
    let m = answer["matches"].as_array()?.first()?;
    Some((
        m["id"].as_str()?.to_string(),
        m["provider"].as_str()?.to_string(),
        m["kind"].as_str()?.to_string(),
        m["confidence"].as_f64()?,
    ))
}

fn tally(items: &[(&Value, &Value)], known: &HashSet<(String, String)>) -> Tally {
    let mut t = Tally::default();
    for (item, answer) in items {
        let id = item["id"].as_str().unwrap_or("?");
        let label = item["provider"].as_str().zip(item["kind"].as_str());
        let top = top(answer);
        match label {
            Some((p, k)) => {
                t.positives += 1;
                let right = top
                    .as_ref()
                    .is_some_and(|(_, tp, tk, _)| tp == p && tk == k);
                if right {
                    t.positives_top1 += 1;
                }
                if known.contains(&(p.to_string(), k.to_string())) {
                    t.known += 1;
                    if right {
                        t.known_named += 1;
                    } else {
                        t.wrong.push(format!(
                            "{id}: expected {p}/{k}, got {:?}",
                            top.map(|t| (t.0, t.3))
                        ));
                    }
                } else {
                    t.unknown += 1;
                    match top {
                        None => t.unknown_silent += 1,
                        Some(top) => t.wrong.push(format!(
                            "{id}: unknown {p}/{k}, named {} ({})",
                            top.0, top.3
                        )),
                    }
                }
            }
            None => {
                t.negatives += 1;
                match top {
                    None => t.negatives_rejected += 1,
                    Some(top) => t
                        .wrong
                        .push(format!("{id}: negative, named {} ({})", top.0, top.3)),
                }
            }
        }
    }
    t
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "  n/a".to_string()
    } else {
        format!("{:5.1}%", 100.0 * n as f64 / d as f64)
    }
}

fn print(name: &str, t: &Tally) {
    println!("{name}");
    println!(
        "  named when known      {} ({}/{})  target ≥ 95%",
        pct(t.known_named, t.known),
        t.known_named,
        t.known
    );
    let silent = t.unknown_silent + t.negatives_rejected;
    let silent_of = t.unknown + t.negatives;
    println!(
        "  silent when unknown   {} ({}/{})  target ≥ 90%",
        pct(silent, silent_of),
        silent,
        silent_of
    );
    println!(
        "  overall top-1         {} ({}/{} positives)",
        pct(t.positives_top1, t.positives),
        t.positives_top1,
        t.positives
    );
    println!(
        "  negatives rejected    {} ({}/{})",
        pct(t.negatives_rejected, t.negatives),
        t.negatives_rejected,
        t.negatives
    );
    for w in &t.wrong {
        println!("    ✗ {w}");
    }
}

fn figures(args: &[String]) {
    let list: Value =
        serde_json::from_str(&std::fs::read_to_string(&args[0]).expect("list")).expect("list JSON");
    let known: HashSet<(String, String)> = list
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| {
            (
                e["provider"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let devset = read_jsonl(&args[1]);
    let answers = read_jsonl(&args[2]);
    assert_eq!(devset.len(), answers.len(), "one answer per devset line");
    let odd: Vec<_> = devset
        .iter()
        .zip(&answers)
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect();
    let even: Vec<_> = devset
        .iter()
        .zip(&answers)
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, p)| p)
        .collect();
    let all: Vec<_> = devset.iter().zip(&answers).collect();
    println!(
        "knowledge base: {} entries covering {} (provider, kind) pairs\n",
        list.as_array().unwrap().len(),
        known.len()
    );
    print("devset, tuning half (odd lines)", &tally(&odd, &known));
    print("devset, held-out half (even lines)", &tally(&even, &known));
    print("devset, all lines", &tally(&all, &known));

    let captured = read_jsonl(&args[3]);
    let captured_answers = read_jsonl(&args[4]);
    let pairs: Vec<_> = captured.iter().zip(&captured_answers).collect();
    let t = tally(&pairs, &known);
    println!("captured tracebacks (shared/reference/captured)");
    println!(
        "  top-1 where the entry exists  {} ({}/{})",
        pct(t.known_named, t.known),
        t.known_named,
        t.known
    );
    println!(
        "  silent where it does not      {} ({}/{})",
        pct(t.unknown_silent, t.unknown),
        t.unknown_silent,
        t.unknown
    );
    for w in &t.wrong {
        println!("    ✗ {w}");
    }
}
