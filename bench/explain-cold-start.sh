#!/usr/bin/env bash
# Cold start of the reading commands: a fresh `errdex` process per run, output discarded.
# Baseline in the same run: `cat` of the entry's source file (a process that reads and
# prints the same page with no work at all). Needs hyperfine (Debian package `hyperfine`).
#
#   bench/explain-cold-start.sh            # builds the release binary first
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release -q
bin=target/release/errdex
id=anthropic/authentication-error
hyperfine --shell=none --warmup 20 --runs 300 --export-markdown target/explain-cold-start.md \
  --command-name "cat kb/$id.md (baseline)" "cat kb/$id.md" \
  --command-name "errdex --version" "$bin --version" \
  --command-name "errdex explain $id" "$bin explain $id" \
  --command-name "errdex explain $id --json" "$bin explain $id --json" \
  --command-name "errdex list --json" "$bin list --json"
cat target/explain-cold-start.md
