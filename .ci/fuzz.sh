#!/usr/bin/env bash
# Fuzzing: builds the cargo-fuzz targets in fuzz/ once, then runs each for a bounded time
# (seconds per target, default 30) from the committed seeds in fuzz/corpus/<target>/.
# Fails on any crash (panic, failed assertion), any input taking over 10 s, or over 2 GB
# of memory; libFuzzer leaves the input in fuzz/artifacts/<target>/ and it is printed here.
# New inputs go to a scratch folder, so the committed corpus only changes by hand: after a
# long run, `fuzz/target/<triple>/release/<target> -merge=1 -use_counters=0
# corpus/<target> <its new inputs>` adds those that reach new code.
#
#   bash .ci/fuzz.sh          # 30 s per target
#   FUZZ_SEED=0 bash .ci/fuzz.sh 600   # the long run, with a fresh seed
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
per_target="${1:-30}"
# A fixed seed by default, so that a CI run mutates the committed corpus the same way each
# time and a failure there means the code changed, not the dice; FUZZ_SEED=0 lets
# libFuzzer pick one (the long runs that look for new inputs).
seed="${FUZZ_SEED:-1}"
# Extra libFuzzer flags, e.g. FUZZ_FLAGS=-report_slow_units=1.
read -r -a extra <<<"${FUZZ_FLAGS:-}"

# cargo-fuzz drives libFuzzer, on nightly when there is one or it can be installed.
# Without a sanitizer (below) the build uses no nightly feature, so where no nightly can
# be had the default toolchain builds it.
toolchain=nightly
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    if ! timeout 600 rustup toolchain install nightly --profile minimal; then
        toolchain="$(rustup show active-toolchain | cut -d' ' -f1)"
        echo "fuzz: no nightly toolchain to be had; building with $toolchain"
    fi
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
fuzz() { cargo "+$toolchain" fuzz "$@"; }

# No sanitizer: the code under test is safe Rust, so what the targets look for is panics,
# hangs and runaway memory, and an uninstrumented build takes half the time.
build=(--sanitizer none)
echo "== cargo fuzz build ($(fuzz --version), $(rustup run "$toolchain" rustc --version))"
fuzz build "${build[@]}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in $(fuzz list); do
    echo "== fuzz $target for ${per_target} s"
    mkdir -p "$scratch/$target" "corpus/$target"
    dict=()
    if [ -f "dict/$target.dict" ]; then
        dict=("-dict=dict/$target.dict")
    fi
    # The scratch folder comes first: libFuzzer writes new inputs to the first folder only.
    if ! fuzz run "${build[@]}" "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$per_target" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -seed="$seed" "${dict[@]}" "${extra[@]}" 2>"$scratch/$target.log"; then
        # The panic message first: the failing input's dump after it can be long.
        grep -A 12 "panicked at" "$scratch/$target.log" | head -n 40 || true
        tail -n 25 "$scratch/$target.log"
        failed+=("$target")
    else
        grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|DONE +cov:' \
            "$scratch/$target.log" || tail -n 3 "$scratch/$target.log"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
echo "fuzz: every target ran ${per_target} s without a crash"
