//! `errdex notes export > notes.jsonl` and `errdex notes import notes.jsonl`: community
//! notes of every status, their confirmations and the moderation audit log, one JSON
//! object a line (`{"type": "note" | "confirmation" | "audit", …}`), for backups and for
//! moving between SQLite and PostgreSQL. Both take `serve`'s `--database-url` /
//! `--data-dir`. An import is one transaction, idempotent by note id: a file with any bad
//! line imports nothing and names the line.

use crate::cli::{DatabaseArgs, NotesArgs, NotesCommand};
use crate::output::Exit;
use anyhow::Context;
use errdex_store::notes::ExportError;
use errdex_store::{Record, Store, StoreConfig, StoreError};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

pub fn run(args: NotesArgs) -> anyhow::Result<Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = open(&args.database).await?;
        let result = match &args.command {
            NotesCommand::Export => export(&store).await,
            NotesCommand::Import { file } => import(&store, file).await,
        };
        store.close().await;
        result
    })
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<Store> {
    Ok(Store::open(&StoreConfig {
        database_url: database.database_url.clone(),
        data_dir: database.data_dir.clone(),
    })
    .await?)
}

async fn export(store: &Store) -> anyhow::Result<Exit> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut count = 0usize;
    let written = store
        .export(|record| {
            count += 1;
            serde_json::to_writer(&mut out, &record).map_err(std::io::Error::from)?;
            out.write_all(b"\n")
        })
        .await;
    match written {
        Ok(()) => {}
        Err(ExportError::Sink(e)) => return Err(e.into()),
        Err(ExportError::Store(e)) => return Err(e.into()),
    }
    out.flush()?;
    eprintln!(
        "errdex notes export: {count} records from {}",
        store.describe()
    );
    Ok(Exit::Success)
}

/// Reads every line first: nothing is written unless the whole file parses.
fn read_records(file: &Path) -> anyhow::Result<(Vec<Record>, Vec<usize>)> {
    let reader: Box<dyn BufRead> = if file == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        Box::new(std::io::BufReader::new(f))
    };
    let (mut records, mut lines) = (Vec::new(), Vec::new());
    for (n, line) in reader.lines().enumerate() {
        let line =
            line.with_context(|| format!("{}:{}: cannot read the line", file.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line).with_context(|| {
            format!(
                "{}:{}: not a record of `errdex notes export`; nothing was imported",
                file.display(),
                n + 1
            )
        })?;
        records.push(record);
        lines.push(n + 1);
    }
    Ok((records, lines))
}

async fn import(store: &Store, file: &Path) -> anyhow::Result<Exit> {
    let (records, lines) = read_records(file)?;
    let summary = match store.import(&records).await {
        Ok(summary) => summary,
        Err(StoreError::Import { index, message }) => {
            let line = lines.get(index).copied().unwrap_or(0);
            anyhow::bail!("{}:{line}: {message}; nothing was imported", file.display());
        }
        Err(e) => return Err(anyhow::Error::new(e).context("nothing was imported")),
    };
    eprintln!(
        "errdex notes import: {} into {}: notes {} written, {} unchanged; confirmations {} written, {} unchanged; audit entries {} written, {} unchanged",
        file.display(),
        store.describe(),
        summary.notes_written,
        summary.notes_unchanged,
        summary.confirmations_written,
        summary.confirmations_unchanged,
        summary.audit_written,
        summary.audit_unchanged,
    );
    Ok(Exit::Success)
}
