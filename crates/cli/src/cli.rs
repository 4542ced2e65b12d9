//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use errdex_entry::{Kind, Provider};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "errdex", version = crate::output::VERSION.as_str(), about = "The error index for LLM APIs: what an error means and how to fix it, offline.")]
pub struct Cli {
    /// When to colour the output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show an entry: what the error means, the quick fix, causes, code, prevention.
    Explain(ExplainArgs),
    /// List the entries, optionally by provider and kind.
    List(ListArgs),
    /// Ranked full-text search over titles and sections.
    Search(SearchArgs),
    /// Serve the web site and the JSON API (SQLite in the data directory, or PostgreSQL).
    Serve(ServeArgs),
    /// Validate a knowledge-base folder and report every problem with file:line.
    Check(CheckArgs),
    /// Name the error in a pasted traceback, error line, JSON body or log (file or stdin).
    Diagnose(DiagnoseArgs),
    /// Find every LLM-API error in logs and group repeats.
    Scan(ScanArgs),
    /// Run a command, pass its output through, and diagnose it when it fails.
    Run(RunArgs),
    /// Check the API-key variables in the environment and .env files, without printing a key.
    Doctor(DoctorArgs),
    /// Serve HTTP that answers like the providers' APIs, one error scenario per base URL.
    Mock(MockArgs),
    /// Run every entry's examples with the real SDKs against the mock and record the result.
    Verify(VerifyArgs),
    /// Serve the knowledge base, diagnosis and the key doctor to AI agents over MCP (stdio).
    Mcp(McpArgs),
    /// Back up or move community notes: export to JSON Lines, import from it.
    Notes(NotesArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The entry id, `<provider>/<slug>` (e.g. anthropic/authentication-error).
    pub id: String,
    /// Print every field and section as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this provider (e.g. anthropic, openai, azure-openai).
    #[arg(long, value_parser = parse_provider)]
    pub provider: Option<Provider>,
    /// Only this kind (e.g. authentication, rate_limit).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for; several words rank entries that have more of them higher.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// How many results at most.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// PostgreSQL instead of the embedded SQLite file: postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the SQLite database lives (default: the platform data directory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The token that moderates community notes (/admin and the admin API); without it
    /// notes are accepted but stay pending.
    #[arg(long, env = "ERRDEX_ADMIN_TOKEN", hide_env_values = true, hide = true)]
    pub admin_token: Option<String>,
    /// Take the client's address from X-Forwarded-For (only behind a proxy that sets it).
    #[arg(long)]
    pub trust_proxy: bool,
    /// Community notes one client address may submit per hour (0: no limit).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub notes_per_hour: u32,
    /// Note confirmations one client address may send per hour (0: no limit).
    #[arg(long, default_value_t = 60, value_name = "N")]
    pub confirmations_per_hour: u32,
    /// Seconds a connection may take to send a request's headers (or stay idle between
    /// requests); slower ones are closed (slowloris).
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds a request may take, reading its body included; slower ones are answered 408.
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: u64,
}

/// Where the notes are: the same database options as `serve`.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL instead of the embedded SQLite file: postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Where the SQLite database lives (default: the platform data directory).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NotesArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: NotesCommand,
}

#[derive(Debug, Subcommand)]
pub enum NotesCommand {
    /// Write every note (every status), confirmation and audit entry as JSON Lines to stdout.
    Export,
    /// Read an export (a file, or `-` for stdin) into the database; importing twice changes nothing.
    Import {
        /// The JSON Lines file written by `errdex notes export`.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The knowledge-base folder to check.
    #[arg(long, default_value = "kb")]
    pub kb: PathBuf,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: std::net::SocketAddr,
    /// Print every provider with its scenarios and exit.
    #[arg(long)]
    pub list: bool,
}

/// `errdex mcp` takes no options: the MCP client starts it and speaks on stdin/stdout.
#[derive(Debug, Args)]
pub struct McpArgs {}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this entry (`<provider>/<slug>`).
    #[arg(long, conflicts_with = "provider")]
    pub entry: Option<String>,
    /// Only this provider's entries.
    #[arg(long, value_parser = parse_provider)]
    pub provider: Option<Provider>,
    /// Print the results as JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Entries verified at the same time.
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Also verify with these SDK versions, e.g. `anthropic=0.40.0,2.12.0` (repeatable).
    #[arg(long = "sdk-versions", value_name = "PKG=V1,V2")]
    pub sdk_versions: Vec<String>,
    /// Only create the SDK environments of the lock file (what CI does before the tests).
    #[arg(long)]
    pub prepare: bool,
    /// The knowledge-base folder.
    #[arg(long, default_value = "kb")]
    pub kb: PathBuf,
    /// Where the records and the lock file live.
    #[arg(long, default_value = "verification")]
    pub records: PathBuf,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also read this dotenv file (after ./.env and ./.env.local); repeatable.
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_files: Vec<PathBuf>,
    /// Send each key found to its provider's own API host (or loopback) with one model-list request.
    #[arg(long)]
    pub online: bool,
    /// With --online, also send keys to this host when a base-URL variable names it; repeatable.
    #[arg(long = "allow-host", value_name = "HOST", requires = "online")]
    pub allow_hosts: Vec<String>,
    /// Demand this provider's key (reported missing when absent) and report only the providers named; repeatable.
    #[arg(long, value_parser = parse_provider)]
    pub provider: Vec<Provider>,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The file to diagnose; `-` or nothing reads standard input.
    #[arg(conflicts_with = "batch")]
    pub file: Option<PathBuf>,
    /// Print the diagnosis as JSON (the contract in docs/diagnosis.md).
    #[arg(long)]
    pub json: bool,
    /// How many matches to show at most (the best and its runners-up).
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Diagnose each line of a JSON Lines file (`{"id", "text"}`; `-` for stdin) and
    /// print one JSON line per input.
    #[arg(long, value_name = "FILE.jsonl")]
    pub batch: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Log files; standard input when none.
    pub files: Vec<PathBuf>,
    /// Keep reading a growing file and print each error as it appears.
    #[arg(long)]
    pub follow: bool,
    /// Print JSON (one line per file; with --follow, one line per error).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The command and its arguments, after `--`.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<std::ffi::OsString>,
}

pub fn parse_provider(text: &str) -> Result<Provider, String> {
    Provider::parse(text.trim()).ok_or_else(|| format!("use one of {}", Provider::expected()))
}

pub fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text.trim()).ok_or_else(|| format!("use one of {}", Kind::expected()))
}
