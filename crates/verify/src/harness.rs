//! Verifying one entry: for each language and SDK version, run broken then fixed against
//! a fresh mock, and judge each step.

use crate::envs::{EnvError, Envs};
use crate::run::{run_example, scratch_dir, Interpreter, Normaliser, Ran};
use crate::sandbox::{example_env, is_secret};
use errdex_entry::record::{RecordRun, RecordStep};
use errdex_entry::views::language;
use errdex_entry::{CodeExample, Entry, Language, Role};
use errdex_mock::{LoggedRequest, Running, Scenario};
use std::fmt::Write as _;

/// What a diagnosis of the broken run's output said: the top entry id, or why there is
/// none; `None` when no diagnosis engine is built in.
pub type Diagnose<'a> = &'a (dyn Fn(&str) -> Option<Result<String, String>> + Sync);

pub struct Version {
    pub language: Language,
    pub sdk: String,
    pub version: String,
    pub pinned: bool,
}

fn step(name: impl Into<String>, ok: bool, detail: impl Into<String>) -> RecordStep {
    RecordStep {
        step: name.into(),
        status: if ok { "passed" } else { "failed" }.into(),
        detail: detail.into(),
    }
}

/// Runs every pair of examples of `version.language` and `version.sdk` whose range holds
/// that version (an entry may have a pair for 0.x and another for 1.x).
pub fn verify_version(
    entry: &Entry,
    version: &Version,
    envs: &Envs,
    mock: &Running,
    diagnose: Diagnose,
) -> Result<RecordRun, EnvError> {
    let examples: Vec<&CodeExample> = entry
        .sections
        .examples
        .iter()
        .filter(|x| x.language == version.language && x.sdk == version.sdk)
        .collect();
    let in_range: Vec<&CodeExample> = examples
        .iter()
        .copied()
        .filter(|x| satisfies(&version.version, &x.sdk_versions))
        .collect();
    let python;
    let node;
    let (interpreter, runtime) = match version.language {
        Language::Python => {
            python = envs.python(&version.sdk, &version.version)?;
            (Interpreter::Python(&python), python.runtime.clone())
        }
        Language::Typescript => {
            node = envs.node(&version.sdk, &version.version)?;
            (Interpreter::Node(&node), node.runtime.clone())
        }
    };
    let mut run = RecordRun {
        language: language(version.language).into(),
        runtime: runtime.clone(),
        sdk: version.sdk.clone(),
        sdk_version: version.version.clone(),
        pinned: version.pinned,
        passed: false,
        steps: Vec::new(),
        traceback: String::new(),
        transcript: String::new(),
    };
    let mut transcript = format!(
        "== errdex verify {} · {} {} · {runtime}\n",
        entry.id, version.sdk, version.version
    );
    let broken: Vec<&&CodeExample> = in_range.iter().filter(|x| x.role == Role::Broken).collect();
    let fixed: Vec<&&CodeExample> = in_range.iter().filter(|x| x.role == Role::Fixed).collect();
    if in_range.is_empty() && !examples.is_empty() {
        let ranges: Vec<&str> = examples.iter().map(|x| x.sdk_versions.as_str()).collect();
        run.steps.push(step(
            "sdk version",
            false,
            format!(
                "{} {} is outside every example's range ({})",
                version.sdk,
                version.version,
                ranges.join("; ")
            ),
        ));
    } else if broken.is_empty() || fixed.is_empty() {
        run.steps.push(step(
            "examples",
            false,
            "needs a broken and a fixed example",
        ));
    }
    for (i, b) in broken.iter().enumerate() {
        let Some(f) = fixed.get(i).or(fixed.last()) else {
            break;
        };
        // 1. broken: must raise the named class, after the mock answered the scenario's error.
        let (ran, log, norm) = execute(entry, b, &interpreter, mock, true, &mut transcript)?;
        let raises = b.raises.clone().unwrap_or_default();
        let last = last_error_line(&ran.stderr, version.language);
        let raised = !ran.timed_out
            && ran.exit.is_some_and(|c| c != 0)
            && last.as_deref().is_some_and(|l| names_class(l, &raises));
        run.steps.push(step(
            format!("broken raises {raises}"),
            raised,
            match (&last, ran.timed_out) {
                (_, true) => format!("killed after {} s", crate::run::RUN_TIMEOUT.as_secs()),
                (Some(l), _) => format!("exit {:?}; {}", ran.exit, truncate(&norm.apply(l), 300)),
                (None, _) => format!("exit {:?} and nothing on stderr", ran.exit),
            },
        ));
        let scenario = Scenario::parse(&b.scenario)
            .map(|s| s.name)
            .unwrap_or_default();
        let answered: Vec<&LoggedRequest> = log.iter().collect();
        let (log_ok, log_detail) = if (b.no_key || b.no_request) && answered.is_empty() {
            (
                true,
                "no request was sent (the SDK failed before sending)".to_string(),
            )
        } else if b.no_request {
            (
                false,
                format!(
                    "`norequest`, but the mock received {}: {}",
                    answered.len(),
                    summary(&log)
                ),
            )
        } else if answered.is_empty() {
            (false, "the mock received no request".to_string())
        } else if let Some(ok) = answered.iter().find(|r| r.succeeded()) {
            (
                false,
                format!("request {} got a complete {} answer", ok.path, ok.status),
            )
        } else if !b.no_key && !answered.iter().any(|r| r.answered == scenario) {
            (
                false,
                format!(
                    "no request was answered with scenario `{scenario}`: {}",
                    summary(&log)
                ),
            )
        } else {
            (true, summary(&log))
        };
        run.steps.push(step(
            format!("broken got `{}`", b.scenario),
            log_ok,
            log_detail,
        ));
        if run.traceback.is_empty() {
            run.traceback = norm.apply(ran.stderr.trim_end());
        }
        // 2. diagnosis of everything the broken example printed.
        let printed = format!("{}{}", ran.stdout, ran.stderr);
        run.steps.push(match diagnose(&norm.apply(&printed)) {
            None => RecordStep {
                step: "diagnosed as this entry".into(),
                status: "skipped".into(),
                detail: "skipped: diagnosis engine not built yet".into(),
            },
            Some(Ok(top)) => step(
                "diagnosed as this entry",
                top == entry.id.to_string(),
                format!("top match: {top}"),
            ),
            Some(Err(why)) => step("diagnosed as this entry", false, why),
        });
        // 3. fixed: exit 0 after a complete 2xx.
        let (ran, log, norm) = execute(entry, f, &interpreter, mock, false, &mut transcript)?;
        let exited = !ran.timed_out && ran.exit == Some(0);
        run.steps.push(step(
            "fixed exits 0",
            exited,
            if exited {
                "exit 0".to_string()
            } else {
                let last = last_error_line(&ran.stderr, version.language).unwrap_or_default();
                format!(
                    "exit {:?}{}; {}",
                    ran.exit,
                    if ran.timed_out { " (killed)" } else { "" },
                    truncate(&norm.apply(&last), 300)
                )
            },
        ));
        let got_2xx = log.last().is_some_and(|r| r.succeeded());
        run.steps.push(step(
            format!("fixed got a 2xx from `{}`", f.scenario),
            got_2xx,
            if log.is_empty() {
                "the mock received no request".to_string()
            } else {
                summary(&log)
            },
        ));
    }
    run.passed = !run.steps.is_empty() && run.steps.iter().all(|s| s.status != "failed");
    for s in &run.steps {
        let _ = writeln!(transcript, "[{}] {} — {}", s.status, s.step, s.detail);
    }
    run.transcript = transcript;
    Ok(run)
}

/// Runs one example against a freshly reset mock; returns what it printed, the mock's
/// log of its requests, and the normaliser for its paths.
fn execute(
    entry: &Entry,
    x: &CodeExample,
    interpreter: &Interpreter,
    mock: &Running,
    broken: bool,
    transcript: &mut String,
) -> Result<(Ran, Vec<LoggedRequest>, Normaliser), EnvError> {
    let scratch = scratch_dir().map_err(|e| setup("a scratch folder", e))?;
    // A `nokey` example runs without any key; the fixed example of a `nokey` broken one
    // gets the key unless it says `nokey` itself.
    let with_key = !x.no_key;
    let mut env = example_env(
        entry.provider.as_str(),
        &x.sdk,
        &x.scenario,
        mock.addr,
        with_key,
    );
    env.extend(x.env.iter().cloned());
    mock.state.reset();
    let ran = run_example(interpreter, &x.code, &env, scratch.path())
        .map_err(|e| setup("the example", e))?;
    let log = mock.state.requests();
    let norm = Normaliser::new(interpreter, scratch.path(), mock.addr.port());
    let role = if broken { "broken" } else { "fixed" };
    let _ = writeln!(
        transcript,
        "\n--- {role} example (line {}, scenario `{}`)",
        x.line, x.scenario
    );
    let _ = writeln!(transcript, "$ {}", ran.command);
    let _ = writeln!(transcript, "environment (everything else removed):");
    for (k, v) in &env {
        let shown = if is_secret(k) {
            "<well-formed mock key>".to_string()
        } else {
            norm.apply(v)
        };
        let _ = writeln!(transcript, "  {k}={shown}");
    }
    let _ = writeln!(
        transcript,
        "exit: {:?}{} after {:.1} s",
        ran.exit,
        if ran.timed_out { " (killed)" } else { "" },
        ran.elapsed.as_secs_f64()
    );
    let _ = writeln!(transcript, "stdout:\n{}", indent(&norm.apply(&ran.stdout)));
    let _ = writeln!(transcript, "stderr:\n{}", indent(&norm.apply(&ran.stderr)));
    let _ = writeln!(transcript, "mock log:\n{}", indent(&log_lines(&log)));
    Ok((ran, log, norm))
}

fn setup(what: &str, e: std::io::Error) -> EnvError {
    EnvError::Setup {
        what: what.into(),
        detail: e.to_string(),
    }
}

fn indent(text: &str) -> String {
    if text.trim().is_empty() {
        return "  (nothing)".into();
    }
    text.trim_end()
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn log_lines(log: &[LoggedRequest]) -> String {
    log.iter()
        .map(|r| {
            format!(
                "{} {} → {} {:?}{} (answered `{}`)",
                r.method,
                r.path,
                r.status,
                r.outcome,
                if r.completed { "" } else { ", not completed" },
                r.answered
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn summary(log: &[LoggedRequest]) -> String {
    log.iter()
        .map(|r| {
            format!(
                "{} {:?}{}",
                r.status,
                r.outcome,
                if r.completed { "" } else { " (not completed)" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    format!("{}…", text.chars().take(max).collect::<String>())
}

/// The line that names the exception: in Python, the first unindented line after the
/// last frame of the traceback (a message may go on over several lines), else the last
/// line; for Node, the first `Name: message` line of the printed error.
pub fn last_error_line(stderr: &str, lang: Language) -> Option<String> {
    let lines = stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty());
    match lang {
        Language::Python => {
            let all: Vec<&str> = lines.collect();
            let after_frames = all
                .iter()
                .rposition(|l| l.starts_with("  File \""))
                .and_then(|last| all[last + 1..].iter().find(|l| !l.starts_with(' ')));
            after_frames.or(all.last()).map(|l| l.to_string())
        }
        Language::Typescript => {
            let all: Vec<&str> = lines.collect();
            all.iter()
                .find(|l| {
                    let head = l.split(':').next().unwrap_or("");
                    !l.starts_with(' ')
                        && l.contains(':')
                        && !head.contains(' ')
                        && !head.contains('/')
                        && !l.starts_with("file")
                        && !l.starts_with("node")
                })
                .or(all.last())
                .map(|l| l.to_string())
        }
    }
}

/// `anthropic.RateLimitError: …` names `anthropic.RateLimitError`; Python prints builtins
/// without their module (`TypeError: …` for `builtins.TypeError`).
pub fn names_class(line: &str, class: &str) -> bool {
    if class.is_empty() {
        return false;
    }
    let printed = line.split(':').next().unwrap_or("").trim();
    let printed = printed.strip_prefix("Uncaught ").unwrap_or(printed);
    printed == class || printed == class.strip_prefix("builtins.").unwrap_or(class)
}

/// Whether `version` satisfies an example's range such as `>=0.40, <3`. Python versions
/// are read leniently (missing parts are zero, pre-release suffixes dropped).
pub fn satisfies(version: &str, range: &str) -> bool {
    let range = range.trim();
    if range.is_empty() || range == "*" {
        return true;
    }
    let lenient = |v: &str| {
        let core: String = v
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut parts: Vec<&str> = core.split('.').filter(|p| !p.is_empty()).collect();
        parts.resize(3, "0");
        parts[..3].join(".")
    };
    let Ok(v) = semver::Version::parse(&lenient(version)) else {
        return false;
    };
    range.split(',').all(|part| {
        let part = part.trim();
        let (op, rest) = part.split_at(part.find(|c: char| c.is_ascii_digit()).unwrap_or(0));
        let Ok(bound) = semver::Version::parse(&lenient(rest)) else {
            return false;
        };
        match op.trim() {
            ">=" => v >= bound,
            ">" => v > bound,
            "<=" => v <= bound,
            "<" => v < bound,
            "==" | "=" | "" => v == bound,
            "!=" => v != bound,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ranges_are_read_like_python_specifiers() {
        assert!(satisfies("2.12.0", ">=0.40"));
        assert!(satisfies("2.12.0", ">=0.40, <3"));
        assert!(!satisfies("3.0.0", ">=0.40, <3"));
        assert!(satisfies("0.40", ">=0.40"));
        assert!(satisfies("1.2.28", "*"));
        assert!(!satisfies("0.39.1", ">=0.40"));
    }

    #[test]
    fn the_printed_class_is_found_on_the_right_line() {
        let py = "Traceback (most recent call last):\n  File \"app.py\", line 4\nanthropic.AuthenticationError: Error code: 401 - {}\n";
        let last = last_error_line(py, Language::Python).unwrap();
        assert!(names_class(&last, "anthropic.AuthenticationError"));
        let multi = "Traceback (most recent call last):\n  File \"app.py\", line 9, in <module>\n    print(response.text)\n          ^^^^^^^^^^^^^\nValueError: Invalid operation: the response was blocked.\nprompt_feedback {\n  block_reason: SAFETY\n}\n";
        let line = last_error_line(multi, Language::Python).unwrap();
        assert!(names_class(&line, "ValueError"), "{line}");
        assert!(!names_class(&last, "anthropic.APIStatusError"));
        assert!(names_class(
            "TypeError: \"Could not resolve\"",
            "builtins.TypeError"
        ));
        let node = "file:///home/dev/app/node_modules/@anthropic-ai/sdk/core/error.mjs:55\n  return new errorClass(status);\n  ^\n\nOverloadedError: 529 {\"type\":\"error\"}\n    at APIError.generate (file:///x.mjs:55:24)\n";
        let line = last_error_line(node, Language::Typescript).unwrap();
        assert!(names_class(&line, "OverloadedError"), "{line}");
    }
}
