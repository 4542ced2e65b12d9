//! The `errdex` binary: argument parsing and glue. Each subcommand lives in `cmd/`.

mod cli;
mod cmd;
mod output;
mod render;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let out = output::Output::new(cli.color);
    let result = match cli.command {
        cli::Command::Explain(args) => cmd::explain::run(args, &out),
        cli::Command::List(args) => cmd::list::run(args, &out),
        cli::Command::Search(args) => cmd::search::run(args, &out),
        cli::Command::Serve(args) => cmd::serve::run(args),
        cli::Command::Check(args) => cmd::check::run(args, &out),
        cli::Command::Diagnose(args) => cmd::diagnose::run(args, &out),
        cli::Command::Scan(args) => cmd::scan::run(args, &out),
        cli::Command::Run(args) => cmd::run::run(args, &out),
        cli::Command::Doctor(args) => cmd::doctor::run(args, &out),
        cli::Command::Mock(args) => cmd::mock::run(args, &out),
        cli::Command::Verify(args) => cmd::verify::run(args, &out),
        cli::Command::Mcp(args) => cmd::mcp::run(args),
        cli::Command::Notes(args) => cmd::notes::run(args),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("errdex: {err:#}");
            output::Exit::Failure.into()
        }
    }
}
