#!/usr/bin/env bash
# Compares our report renderer with WeasyPrint and typst on the same fictional report content
# (about 40 and 200 pages), whole process: pages, median wall time, peak memory, PDF size.
#
#   scripts/compare-renderers.sh            # peers that are installed
#   scripts/compare-renderers.sh --install  # first install WeasyPrint, typst and pypdf from PyPI
#
# The content and the timing harness live in ../shared/bench (make_content.py, run_peers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH="${ASSESS_BENCH_DIR:-../shared/bench}"
if [ ! -f "$BENCH/run_peers.py" ]; then
    echo "error: the benchmark harness is not at $BENCH (set ASSESS_BENCH_DIR)" >&2
    exit 1
fi
cargo build --release --quiet
exec python3 "$BENCH/run_peers.py" "$@" --ours "$PWD/target/release/assess render {md} --out {pdf}" 24 120
