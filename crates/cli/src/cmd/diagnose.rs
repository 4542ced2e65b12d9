//! `errdex diagnose [FILE|-] [--json] [--top N]` and `errdex diagnose --batch FILE.jsonl`

use crate::cli::DiagnoseArgs;
use crate::output::{self, Exit, Output, BOLD, CODE, DIM, GOOD, HEADING};
use anyhow::Context;
use errdex_diagnose::{Diagnoser, Diagnosis};
use serde::Serialize;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::Path;

pub fn run(args: DiagnoseArgs, out: &Output) -> anyhow::Result<Exit> {
    let diagnoser = Diagnoser::new(errdex_kb::catalogue());
    if let Some(batch) = &args.batch {
        return run_batch(&diagnoser, batch);
    }
    let input = read_input(args.file.as_deref())?;
    let mut diagnosis = diagnoser.diagnose(&input);
    fill_suggestions(&mut diagnosis);
    diagnosis.matches.truncate(args.top.max(1));
    if args.json {
        output::json(out, &diagnosis)?;
    } else {
        out.print(&render(&diagnosis, out))?;
    }
    Ok(if diagnosis.matches.is_empty() {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Text larger than this is refused, as is a batch line larger than this: diagnosis holds
/// the whole text, about four times its size in memory (64 MiB: 290 MB). Logs of any size
/// go through `errdex scan`, in flat memory.
const MAX_INPUT: usize = 64 * 1024 * 1024;
const TOO_LARGE: &str =
    "is over 64 MiB: diagnose reads one error; for a log of any size use `errdex scan`";

/// The whole input, from a file or standard input (`-` or no file), up to [`MAX_INPUT`].
fn read_input(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    let limit = MAX_INPUT as u64 + 1;
    let name = match file {
        Some(path) if path != Path::new("-") => {
            std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_end(&mut input))
                .with_context(|| format!("cannot read {}", path.display()))?;
            path.display().to_string()
        }
        _ => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut input)
                .context("cannot read standard input")?;
            "standard input".to_string()
        }
    };
    if input.len() > MAX_INPUT {
        anyhow::bail!("{name} {TOO_LARGE}");
    }
    Ok(input)
}

/// When nothing matched, the nearest entries by full-text search over the exception and
/// the error's words (the diagnoser's own near candidates first).
pub fn fill_suggestions(diagnosis: &mut Diagnosis) {
    if !diagnosis.matches.is_empty() || diagnosis.suggestions.len() >= 3 {
        return;
    }
    let query = search_query(diagnosis);
    if query.is_empty() {
        return;
    }
    let index = errdex_kb::catalogue();
    let Ok(searcher) = errdex_search::Searcher::new(&index.entries) else {
        return;
    };
    if let Ok(hits) = searcher.search(&query, 3) {
        for hit in hits {
            if diagnosis.suggestions.len() < 3 && !diagnosis.suggestions.contains(&hit.id) {
                diagnosis.suggestions.push(hit.id);
            }
        }
    }
}

/// Words to search for: the exception class, the error type and code, and the words of
/// the last line that says something (letters only: search syntax never leaks in).
fn search_query(d: &Diagnosis) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut push = |text: &str| {
        for w in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            if w.len() >= 3 && words.len() < 24 && !words.iter().any(|x| x.eq_ignore_ascii_case(w))
            {
                words.push(w.to_string());
            }
        }
    };
    if let Some(e) = &d.facts.exception {
        push(e.rsplit('.').next().unwrap_or(e));
    }
    for s in [&d.facts.error_type, &d.facts.error_code]
        .into_iter()
        .flatten()
    {
        push(s);
    }
    if let Some(line) = d.text.lines().rev().find(|l| l.trim().len() > 8) {
        push(line);
    }
    words.join(" ")
}

/// The terminal rendering of a diagnosis.
pub fn render(d: &Diagnosis, out: &Output) -> String {
    let mut s = String::new();
    match d.matches.first() {
        Some(top) => {
            s.push_str(&format!(
                "{}  {}\n",
                out.paint(BOLD, &top.id.to_string()),
                top.title
            ));
            s.push_str(&out.paint(
                DIM,
                &format!(
                    "confidence {:.2} · {} · {}\n",
                    top.confidence, top.provider, top.kind
                ),
            ));
            s.push('\n');
            s.push_str(&format!("{}\n", out.paint(HEADING, "Quick fix")));
            s.push_str(&indent(&plain(&top.quick_fix, out), "  "));
            s.push('\n');
            s.push_str(&format!("{}\n", out.paint(HEADING, "Evidence")));
            for e in &top.evidence {
                let line = d.text[..e.start.min(d.text.len())].matches('\n').count() + 1;
                let value: String = e.value.chars().take(70).collect();
                s.push_str(&format!(
                    "  {:<17} {}  {}\n",
                    e.signal,
                    out.paint(CODE, &value),
                    out.paint(DIM, &format!("line {line}"))
                ));
            }
            if let Some(runner_up) = d.matches.get(1) {
                s.push_str(&format!(
                    "\nRunner-up: {} ({:.2})\n",
                    runner_up.id, runner_up.confidence
                ));
            }
        }
        None => {
            s.push_str(&format!(
                "{}\n",
                out.paint(BOLD, "errdex does not know this error.")
            ));
            s.push_str(
                "No entry matched with enough confidence; a wrong page would be worse than none.\n",
            );
            if !d.suggestions.is_empty() {
                s.push_str(&format!("\n{}\n", out.paint(HEADING, "Nearest entries")));
                for id in &d.suggestions {
                    s.push_str(&format!("  errdex explain {id}\n"));
                }
            }
        }
    }
    let facts = facts_line(d);
    if !facts.is_empty() {
        s.push_str(&format!("\n{} {}\n", out.paint(DIM, "Facts:"), facts));
    }
    if let Some(top) = d.matches.first() {
        s.push_str(&format!(
            "\nMore: {}\n",
            out.paint(GOOD, &format!("errdex explain {}", top.id))
        ));
    }
    s
}

fn facts_line(d: &Diagnosis) -> String {
    let f = &d.facts;
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = f.provider {
        match f.via {
            Some(via) => parts.push(format!("provider {p} (via {via})")),
            None => parts.push(format!("provider {p}")),
        }
    }
    if let Some(l) = f.language {
        parts.push(l.to_string());
    }
    if let Some(sdk) = &f.sdk {
        parts.push(match &f.sdk_version {
            Some(v) => format!("sdk {sdk} {v}"),
            None => format!("sdk {sdk}"),
        });
    }
    if let Some(status) = f.http_status {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(e) = &f.exception {
        parts.push(e.clone());
    }
    if let Some(m) = &f.model {
        parts.push(format!("model {m}"));
    }
    if let Some(r) = &f.request_id {
        parts.push(format!("request {r}"));
    }
    parts.join(" · ")
}

/// Markdown of a quick fix as plain terminal text: code spans coloured, emphasis dropped.
fn plain(markdown: &str, out: &Output) -> String {
    let mut text = String::new();
    for (i, part) in markdown.split('`').enumerate() {
        if i % 2 == 1 {
            text.push_str(&out.paint(CODE, part));
        } else {
            text.push_str(&part.replace("**", ""));
        }
    }
    let joined: Vec<&str> = text.split('\n').map(str::trim).collect();
    textwrap::fill(&joined.join(" "), 88)
}

fn indent(text: &str, prefix: &str) -> String {
    let mut s = String::new();
    for line in text.lines() {
        s.push_str(prefix);
        s.push_str(line);
        s.push('\n');
    }
    s
}

#[derive(Serialize)]
struct BatchLine<'a> {
    id: serde_json::Value,
    matches: Vec<BatchMatch<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct BatchMatch<'a> {
    id: String,
    provider: &'a str,
    kind: &'a str,
    confidence: f32,
}

/// Reads past the rest of a line without keeping it.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(at) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(at + 1);
            return Ok(());
        }
        let len = buf.len();
        reader.consume(len);
    }
}

/// One JSON line in (`{"id", "text", …}`), one JSON line out, in order.
fn run_batch(diagnoser: &Diagnoser, path: &Path) -> anyhow::Result<Exit> {
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, file))
    };
    let stdout = std::io::stdout().lock();
    let mut writer = BufWriter::with_capacity(1 << 16, stdout);
    let mut failed = false;
    // Lines as bytes: one that is not UTF-8 is answered with an error like any other line
    // that is not JSON, instead of ending the batch; one over MAX_INPUT is skipped unread.
    let mut reader = reader;
    let mut line = Vec::new();
    for n in 0.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_INPUT as u64 + 1)
            .read_until(b'\n', &mut line)
            .with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        if read == 0 {
            break;
        }
        if line.len() > MAX_INPUT {
            skip_line(&mut reader)?;
            failed = true;
            let error = BatchLine {
                id: serde_json::Value::Null,
                matches: Vec::new(),
                error: Some(format!("line {} {TOO_LARGE}", n + 1)),
            };
            writer.write_all(serde_json::to_string(&error)?.as_bytes())?;
            writer.write_all(b"\n")?;
            continue;
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        #[derive(serde::Deserialize)]
        struct Input {
            #[serde(default)]
            id: serde_json::Value,
            text: String,
        }
        let out = match serde_json::from_slice::<Input>(&line) {
            Ok(input) => {
                let d = diagnoser.diagnose(input.text.as_bytes());
                let matches = d
                    .matches
                    .iter()
                    .map(|m| BatchMatch {
                        id: m.id.to_string(),
                        provider: m.provider.as_str(),
                        kind: m.kind.as_str(),
                        confidence: m.confidence,
                    })
                    .collect();
                serde_json::to_string(&BatchLine {
                    id: input.id,
                    matches,
                    error: None,
                })?
            }
            Err(err) => {
                failed = true;
                serde_json::to_string(&BatchLine {
                    id: serde_json::Value::Null,
                    matches: Vec::new(),
                    error: Some(format!(
                        "line {}: not an object with `id` and `text`: {err}",
                        n + 1
                    )),
                })?
            }
        };
        writer.write_all(out.as_bytes())?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    Ok(if failed { Exit::Failure } else { Exit::Success })
}
