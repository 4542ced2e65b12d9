//! Running one example program: write it to a fresh folder, run it with the SDK's
//! interpreter in the sandboxed environment, capture everything, and normalise machine
//! paths so that records read the same on every machine.

use crate::envs::{NodeEnv, PythonEnv};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An example that runs longer than this is killed (and fails).
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Ran {
    pub command: String,
    pub exit: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub timed_out: bool,
}

pub enum Interpreter<'a> {
    Python(&'a PythonEnv),
    Node(&'a NodeEnv),
}

pub fn run_example(
    interpreter: &Interpreter,
    code: &str,
    env: &[(String, String)],
    scratch: &Path,
) -> std::io::Result<Ran> {
    let (mut command, shown) = match interpreter {
        Interpreter::Python(p) => {
            let file = scratch.join("app.py");
            std::fs::write(&file, code)?;
            let mut c = Command::new(&p.python);
            c.arg("app.py").current_dir(scratch);
            (c, "python app.py".to_string())
        }
        Interpreter::Node(n) => {
            // Inside the npm folder, so that `import … from '<sdk>'` resolves.
            let dir = n
                .dir
                .join("runs")
                .join(scratch.file_name().unwrap_or_default());
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("app.ts"), code)?;
            let mut c = Command::new(n.dir.join("node_modules/.bin/tsx"));
            c.arg("app.ts").current_dir(&dir);
            (c, "npx tsx app.ts".to_string())
        }
    };
    command
        .env_clear()
        .envs(crate::sandbox::kept_vars())
        .env("HOME", scratch)
        .env("TMPDIR", scratch)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::fs::File::create(scratch.join("stdout"))?))
        .stderr(Stdio::from(std::fs::File::create(scratch.join("stderr"))?));
    let start = Instant::now();
    let mut child = command.spawn()?;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Interpreter::Node(n) = interpreter {
        let _ = std::fs::remove_dir_all(
            n.dir
                .join("runs")
                .join(scratch.file_name().unwrap_or_default()),
        );
    }
    Ok(Ran {
        command: shown,
        exit: status.and_then(|s| s.code()),
        stdout: std::fs::read_to_string(scratch.join("stdout")).unwrap_or_default(),
        stderr: std::fs::read_to_string(scratch.join("stderr")).unwrap_or_default(),
        elapsed: start.elapsed(),
        timed_out,
    })
}

/// Machine paths → the paths of a reader's machine (`/home/dev/.venv/…`, `/home/dev/app/…`),
/// the mock's random port → errdex mock's default.
pub struct Normaliser {
    pairs: Vec<(String, String)>,
}

impl Normaliser {
    pub fn new(interpreter: &Interpreter, scratch: &Path, mock_port: u16) -> Normaliser {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let canon = |p: &Path| -> Vec<String> {
            let mut v = vec![p.display().to_string()];
            if let Ok(c) = p.canonicalize() {
                v.push(c.display().to_string());
            }
            v
        };
        match interpreter {
            Interpreter::Python(p) => {
                for s in canon(&p.dir) {
                    pairs.push((s, "/home/dev/.venv".into()));
                }
                if !p.base_prefix.is_empty() && p.base_prefix != "/usr" {
                    pairs.push((p.base_prefix.clone(), "/usr".into()));
                }
                for s in canon(scratch) {
                    pairs.push((s, "/home/dev/app".into()));
                }
            }
            Interpreter::Node(n) => {
                let run = n
                    .dir
                    .join("runs")
                    .join(scratch.file_name().unwrap_or_default());
                for s in canon(&run) {
                    pairs.push((s, "/home/dev/app".into()));
                }
                for s in canon(&n.dir) {
                    pairs.push((s, "/home/dev/app".into()));
                }
            }
        }
        pairs.push((format!("127.0.0.1:{mock_port}"), "127.0.0.1:8787".into()));
        // Longest first, so that a folder inside another is replaced whole.
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        pairs.dedup();
        Normaliser { pairs }
    }

    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (from, to) in &self.pairs {
            text = text.replace(from, to);
        }
        text
    }
}

pub fn scratch_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("errdex-verify-").tempdir()
}
