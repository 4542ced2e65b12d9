//! `errdex run -- CMD [ARGS…]`: run a program, pass its output through unchanged, and
//! diagnose what it printed when it fails (or printed a known error).
//!
//! The child's stdout and stderr go to ours as they come, byte for byte (the user's own
//! output, not redacted); the last [`TAIL`] bytes of both are kept for the diagnosis,
//! which is redacted and printed on stderr after the child exits. Signals sent to errdex
//! by another process (`kill`) are forwarded to the child; a Ctrl-C from the terminal
//! already reaches the child (same process group), so errdex only outlives it. errdex
//! exits with the child's status (128 + N when a signal N ended it).

use crate::cli::RunArgs;
use crate::output::{Exit, Output, DIM};
use anyhow::Context;
use errdex_diagnose::Diagnoser;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// How much of the output is kept for the diagnosis.
const TAIL: usize = 512 * 1024;

pub fn run(args: RunArgs, out: &Output) -> anyhow::Result<Exit> {
    let (program, rest) = args
        .command
        .split_first()
        .context("no command given: errdex run -- CMD [ARGS…]")?;
    let mut child = Command::new(program)
        .args(rest)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", program.to_string_lossy()))?;

    let forwarder = signals::forward_to(child.id())?;
    let tail = Arc::new(Mutex::new(Vec::<u8>::with_capacity(TAIL)));
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let copies = [
        pump(stdout, std::io::stdout(), tail.clone()),
        pump(stderr, std::io::stderr(), tail.clone()),
    ];
    let status = child.wait().context("waiting for the command")?;
    for copy in copies {
        let _ = copy.join();
    }
    forwarder.stop();

    let code = exit_code(&status);
    let tail = tail.lock().map(|t| t.clone()).unwrap_or_default();
    let diagnosis = Diagnoser::new(errdex_kb::catalogue()).diagnose(&tail);
    if !diagnosis.matches.is_empty() {
        let mut text = format!(
            "\n{}\n",
            out.paint(DIM, "── errdex: diagnosis of the output above ──")
        );
        text.push_str(&super::diagnose::render(&diagnosis, &stderr_output(out)));
        let _ = std::io::stderr().write_all(text.as_bytes());
    } else if code != 0 {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            out.paint(
                DIM,
                &format!(
                    "errdex: the command exited with {code}; no known LLM-API error in its output"
                )
            )
        );
    }
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// Colour on stderr follows the same choice as stdout.
fn stderr_output(out: &Output) -> Output {
    Output { color: out.color }
}

fn exit_code(status: &std::process::ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    1
}

/// Copies `from` to `to` as data comes, keeping the last [`TAIL`] bytes in `tail`.
fn pump(
    mut from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    tail: Arc<Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            // A closed pipe on our side must not stop the child's output being kept.
            let _ = to.write_all(&buf[..n]).and_then(|_| to.flush());
            if let Ok(mut t) = tail.lock() {
                t.extend_from_slice(&buf[..n]);
                if t.len() > TAIL {
                    let excess = t.len() - TAIL;
                    t.drain(..excess);
                }
            }
        }
    })
}

#[cfg(unix)]
mod signals {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::iterator::{Handle, SignalsInfo};

    pub struct Forwarder {
        handle: Handle,
        thread: std::thread::JoinHandle<()>,
    }

    impl Forwarder {
        pub fn stop(self) {
            self.handle.close();
            let _ = self.thread.join();
        }
    }

    /// Forwards signals to `pid` until stopped. A signal from the terminal (no sending
    /// process) has reached the child already and is not sent twice.
    pub fn forward_to(pid: u32) -> anyhow::Result<Forwarder> {
        let mut signals = SignalsInfo::<WithOrigin>::new([
            SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
        ])?;
        let handle = signals.handle();
        let thread = std::thread::spawn(move || {
            for info in signals.forever() {
                let from_terminal =
                    info.process.is_none() && matches!(info.signal, SIGINT | SIGQUIT | SIGWINCH);
                if !from_terminal {
                    // SAFETY: kill(2) with a valid signal number and our child's pid.
                    unsafe {
                        libc::kill(pid as libc::pid_t, info.signal);
                    }
                }
            }
        });
        Ok(Forwarder { handle, thread })
    }
}

#[cfg(not(unix))]
mod signals {
    pub struct Forwarder;
    impl Forwarder {
        pub fn stop(self) {}
    }
    pub fn forward_to(_pid: u32) -> anyhow::Result<Forwarder> {
        Ok(Forwarder)
    }
}
