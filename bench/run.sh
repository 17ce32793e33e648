#!/usr/bin/env bash
# planwatch throughput and memory benchmark.
#
# Goal: ≥ 60 MB/s extraction on one thread (bytes in → plan JSON out), time linear in input
# size, peak memory below 5 × input size + 50 MB.
#
# What it runs:
#   1. cargo build --release -p planwatch-cli           (the binary memory.py measures)
#   2. cargo bench -p planwatch-core --bench throughput (crates/core/benches/throughput.rs)
#   3. python3 bench/memory.py                          (peak RSS of `planwatch extract`)
#   4. PDF: the seeds converted by LibreOffice, and the ten-fold concatenation of all seeds as
#      one PDF; cargo bench -p planwatch-core --bench pdf (pages/s on one core, read and
#      read+extract, median of BENCH_REPS) and bench/memory.py on those PDFs (peak RSS).
#      Goal: ≥ 200 pages/s, peak memory below 5 × input + 50 MB. Needs soffice and a CJK font
#      (libreoffice-writer-nogui, fonts-wqy-zenhei); skipped with a note without them.
#
# Seed corpus: $PLANWATCH_SEEDS, default ../shared/seeds beside the repository. Without it
# both steps print a message and exit 0.
#
# How to read the output
#   Throughput table (step 2), one thread, MB = 10^6 input bytes:
#     corpus     seeds      the seed documents as they are
#                seeds×100  100 variants of every seed (digits varied), one document each (~31 MB)
#                concat×N   N variants of every seed concatenated into ONE document
#     (a)        read::read only (reading + decoding), the floor any extraction pays
#     (b)        extract + serde_json::to_string of the plan: the whole pipeline
#     MB/s med   input MB / median time of (b) — compare with the 60 MB/s goal
#     MB/s max   the same for the fastest repetition (least disturbed by other load)
#     b/a        median(b) / median(a): how many times dearer extraction is than reading;
#                measured in the same run, interleaved, so it is robust on a noisy machine
#     med b/a    median of the per-repetition ratios (should be close to b/a)
#   "linearity" compares concat×1 with the largest concat×N: an exponent of 1.00 means time
#   grows linearly with document size; "one document vs many" compares one big document with
#   the same bytes split in documents (≈1 when nothing is superlinear).
#   The counts table (JSON bytes, outline, targets, tasks) shows the work really was done;
#   "OpenCC-conv. MB" is the input converted from Traditional Chinese: one seed is Traditional,
#   so each concat×N document is converted whole while seeds×100 converts only 1/10 of it;
#   extraction must be deterministic across repetitions (the bench asserts it).
#   Memory table (step 3): median peak RSS of 3 fresh `planwatch extract` runs per document,
#   the bound 5 × input + 50 MB and PASS/FAIL; "fixed cost" is the RSS of a 1-line plan
#   (binary + dictionaries + OpenCC), "bytes of RSS per input byte" is the part that grows.
#
# The machine may be shared and noisy: trust medians and within-run ratios, not single runs.
# Knobs (environment): BENCH_REPS (15), BENCH_REPS_LARGE (5), BENCH_REPS_CONCAT (3),
# BENCH_VARIANTS (100), BENCH_CONCAT_MAX_SECS (120), BENCH_ONLY (seeds|large|concat),
# MEMORY_RUNS (3).
#
# Profiling (perf; the bench profile keeps debug info, see [profile.release] debug = 1):
#   B=$(ls -t target/release/deps/throughput-* | grep -v '\.d$' | head -1)
#   BENCH_ONLY=large BENCH_REPS_LARGE=3 perf record -F 999 --call-graph dwarf,32768 -o /tmp/large.data $B
#   perf script -i /tmp/large.data -F comm,tid,ip,sym > /tmp/large.txt
#   python3 bench/perf_top.py /tmp/large.txt --only planwatch_core::extract
# (BENCH_ONLY=concat profiles the single concatenated documents instead.)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo build --release -p planwatch-cli"
cargo build --release -p planwatch-cli

echo
echo "== cargo bench -p planwatch-core --bench throughput"
cargo bench -p planwatch-core --bench throughput

echo
echo "== python3 bench/memory.py"
python3 bench/memory.py --runs "${MEMORY_RUNS:-3}"

echo
echo "== PDF reader: seeds → PDF with LibreOffice, then cargo bench --bench pdf and memory.py"
seeds="${PLANWATCH_SEEDS:-../shared/seeds}"
if command -v soffice >/dev/null && [ -d "$seeds" ]; then
    pdfdir=$(mktemp -d "${TMPDIR:-/tmp}/planwatch-bench-pdf.XXXXXX")
    trap 'rm -rf "$pdfdir"' EXIT
    mkdir -p "$pdfdir/src" "$pdfdir/pdf" "$pdfdir/big"
    cp "$seeds"/* "$pdfdir/src/"
    for i in 1 2 3 4 5 6 7 8 9 10; do cat "$seeds"/*; printf '\n\n'; done > "$pdfdir/big/seeds_x10.txt"
    soffice "-env:UserInstallation=file://$pdfdir/profile" --headless --norestore --convert-to pdf \
        --outdir "$pdfdir/pdf" "$pdfdir"/src/* >/dev/null 2>&1
    soffice "-env:UserInstallation=file://$pdfdir/profile" --headless --norestore --convert-to pdf \
        --outdir "$pdfdir/big" "$pdfdir/big/seeds_x10.txt" >/dev/null 2>&1
    PLANWATCH_PDFS="$pdfdir/pdf" cargo bench -p planwatch-core --bench pdf
    PLANWATCH_PDFS="$pdfdir/big" BENCH_REPS="${BENCH_REPS_LARGE:-5}" cargo bench -p planwatch-core --bench pdf
    python3 bench/memory.py --runs "${MEMORY_RUNS:-3}" --variants 1 "$pdfdir"/pdf/*.pdf "$pdfdir/big/seeds_x10.pdf"
else
    echo "no soffice or no seeds at $seeds: PDF benchmark skipped (apt-get install libreoffice-writer-nogui fonts-wqy-zenhei)"
fi
