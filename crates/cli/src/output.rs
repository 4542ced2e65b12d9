//! Terminal politeness: colour choice, exit codes, and a quiet exit when the reader of our
//! output goes away (`errdex list | head -1`).

use crate::cli::ColorChoice;
use anstyle::{AnsiColor, Effects, Style};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::LazyLock;

/// `errdex --version`: the binary's version and the knowledge base it embeds.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let index = errdex_kb::catalogue();
    let current = index.current(None, None).count();
    format!(
        "{} (knowledge base {}, {} entries)",
        env!("CARGO_PKG_VERSION"),
        index.revision,
        current
    )
});

/// Exit statuses, documented in README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: the answer is "no" — problems found, unknown id, nothing matched.
    Failure,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Failure => ExitCode::from(1),
        }
    }
}

pub struct Output {
    pub color: bool,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Output { color }
    }

    /// Writes the whole text to stdout at once.
    pub fn print(&self, text: &str) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }
}

pub const HEADING: Style = Style::new().effects(Effects::BOLD.insert(Effects::UNDERLINE));
pub const BOLD: Style = Style::new().effects(Effects::BOLD);
pub const DIM: Style = Style::new().effects(Effects::DIMMED);
pub const CODE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
pub const BAD: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub const GOOD: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Prints JSON, pretty, with a final newline.
pub fn json(out: &Output, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    out.print(&text)
}
