//! `errdex scan [FILE…] [--follow] [--json]`: every LLM-API error in logs, grouped.

use crate::cli::ScanArgs;
use crate::output::{Exit, Output, BOLD, CODE, DIM};
use anyhow::Context;
use errdex_diagnose::{Diagnoser, Occurrence, ScanReport};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

const CHUNK: usize = 1 << 20;

#[derive(Serialize)]
struct FileReport<'a> {
    path: String,
    #[serde(flatten)]
    report: &'a ScanReport,
}

pub fn run(args: ScanArgs, out: &Output) -> anyhow::Result<Exit> {
    let diagnoser = Diagnoser::new(errdex_kb::catalogue());
    let inputs: Vec<PathBuf> = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let mut found_any = false;
    for path in &inputs {
        let mut scanner = diagnoser.scanner();
        let live = |occurrences: Vec<Occurrence>| -> anyhow::Result<()> {
            if args.follow {
                for o in occurrences {
                    print_occurrence(path, &o, args.json, out)?;
                }
            }
            Ok(())
        };
        let mut buf = vec![0u8; CHUNK];
        if path == Path::new("-") {
            let mut stdin = std::io::stdin().lock();
            loop {
                let n = read_some(&mut stdin, &mut buf)?;
                if n == 0 {
                    break;
                }
                live(scanner.feed(&buf[..n]))?;
            }
        } else {
            let mut file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mut pos: u64 = 0;
            loop {
                let n = read_some(&mut file, &mut buf)?;
                if n > 0 {
                    pos += n as u64;
                    live(scanner.feed(&buf[..n]))?;
                    continue;
                }
                if !args.follow {
                    break;
                }
                // A growing file: wait for more; start over if it was truncated (rotated).
                std::thread::sleep(Duration::from_millis(250));
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(pos);
                if len < pos {
                    file = std::fs::File::open(path)?;
                    file.seek(SeekFrom::Start(0))?;
                    pos = 0;
                }
            }
        }
        let report = scanner.finish();
        found_any |= !report.groups.is_empty();
        if args.json {
            let mut line = serde_json::to_string(&FileReport {
                path: path.display().to_string(),
                report: &report,
            })?;
            line.push('\n');
            out.print(&line)?;
        } else {
            out.print(&render(path, &report, inputs.len() > 1, out))?;
        }
    }
    Ok(if found_any {
        Exit::Success
    } else {
        Exit::Failure
    })
}

fn read_some(r: &mut impl Read, buf: &mut [u8]) -> anyhow::Result<usize> {
    loop {
        match r.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

fn print_occurrence(path: &Path, o: &Occurrence, json: bool, out: &Output) -> anyhow::Result<()> {
    let text = if json {
        #[derive(Serialize)]
        struct Live<'a> {
            path: String,
            #[serde(flatten)]
            occurrence: &'a Occurrence,
        }
        let mut s = serde_json::to_string(&Live {
            path: path.display().to_string(),
            occurrence: o,
        })?;
        s.push('\n');
        s
    } else {
        format!(
            "{} {}  {}  {}\n",
            out.paint(DIM, &format!("line {}:", o.line)),
            out.paint(BOLD, &o.id.to_string()),
            out.paint(DIM, &format!("×{}", o.count)),
            o.sample
        )
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn render(path: &Path, report: &ScanReport, name_file: bool, out: &Output) -> String {
    let mut s = String::new();
    if name_file {
        s.push_str(&format!(
            "{}\n",
            out.paint(BOLD, &path.display().to_string())
        ));
    }
    if report.groups.is_empty() {
        s.push_str(&format!(
            "No known LLM-API error in {} lines.\n",
            report.lines
        ));
        return s;
    }
    for g in &report.groups {
        let lines = if g.count == 1 {
            format!("line {}", g.first_line)
        } else {
            format!("lines {}–{}", g.first_line, g.last_line)
        };
        s.push_str(&format!(
            "{}  {}  {}\n",
            out.paint(BOLD, &format!("{}×", g.count)),
            out.paint(BOLD, &g.id.to_string()),
            g.title
        ));
        s.push_str(&format!("    {}\n", out.paint(DIM, &lines)));
        s.push_str(&format!("    {}\n", out.paint(CODE, &g.sample)));
        let fix: String = g.quick_fix.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&format!(
            "    {}\n",
            textwrap::fill(&format!("Quick fix: {fix}"), 84).replace('\n', "\n    ")
        ));
    }
    s.push_str(&out.paint(
        DIM,
        &format!(
            "{} kinds of error in {} lines. `errdex explain ID` shows an entry.\n",
            report.groups.len(),
            report.lines
        ),
    ));
    s
}
