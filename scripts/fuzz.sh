#!/usr/bin/env bash
# Fuzz every target for a while and print one table of what each run did.
#
#   scripts/fuzz.sh [SECONDS]     # default 600 seconds per target, two targets at a time
#
# Works on a stable toolchain (cargo-fuzz's nightly flags via RUSTC_BOOTSTRAP=1); installs
# cargo-fuzz from crates.io if it is missing. Seeds each corpus from the repository's own
# fixtures (fuzz/corpus is not committed). Exits 1 if any target found a crash: the input is
# left in fuzz/artifacts/TARGET/; copy it into tests/fixtures/fuzz/TARGET/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build -O

seed() { # seed TARGET FILE...
    local dir="fuzz/corpus/$1"
    shift
    mkdir -p "$dir"
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
    return 0
}
seed template_load tests/fixtures/templates/*/*.yaml assessment-templates/*/template.yaml tests/fixtures/fuzz/template_load/*
seed expr_compile tests/fixtures/fuzz/expr_compile/*
# Every condition in the shipped templates, one file each.
grep -hoE '(show_if|when): "[^"]+"' assessment-templates/*/template.yaml | sed -E 's/^[a-z_]+: "(.*)"$/\1/' |
    sort -u | awk '{ f = sprintf("fuzz/corpus/expr_compile/shipped-%03d", NR); printf "%s", $0 > f; close(f) }'
seed answers_import tests/fixtures/fuzz/answers_import/*
seed event_replay tests/fixtures/fuzz/event_replay/*

mkdir -p fuzz/logs
run() { # run TARGET: in the background, log to fuzz/logs/TARGET.log
    mkdir -p "fuzz/artifacts/$1"
    cargo fuzz run -O "$1" "fuzz/corpus/$1" -- -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="fuzz/artifacts/$1/" >"fuzz/logs/$1.log" 2>&1 &
}
status=0
for pair in "template_load expr_compile" "answers_import event_replay"; do
    for t in $pair; do run "$t"; done
    for _ in $pair; do wait -n || status=1; done
done

printf '| target | time | runs | exec/s | coverage | corpus | findings |\n|---|---|---|---|---|---|---|\n'
for t in template_load expr_compile answers_import event_replay; do
    log="fuzz/logs/$t.log"
    runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
    last=$(grep -E '#[0-9]+.*cov: ' "$log" | tail -1)
    cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
    eps=$(echo "$last" | grep -oE 'exec/s: [0-9]+' | grep -oE '[0-9]+' || echo "?")
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    found=$(find "fuzz/artifacts/$t" -type f | wc -l)
    printf '| %s | %s s | %s | %s | %s | %s | %s |\n' "$t" "$secs" "$runs" "$eps" "$cov" "$corpus" \
        "$([ "$found" -eq 0 ] && echo none || echo "$found in fuzz/artifacts/$t")"
    [ "$found" -eq 0 ] || status=1
done
exit "$status"
