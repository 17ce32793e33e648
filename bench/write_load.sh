#!/usr/bin/env bash
# planwatch write load: 30 district editors posting figures through the JSON API while
# readers browse, then a count of what was stored against what was acknowledged.
#
# What it runs:
#   1. cargo build --release -p planwatch-cli (unless PLANWATCH_BIN is given)
#   2. a fresh store: the examples ingested, sample-data (progress, ranking, map pages),
#      INDICATORS monthly indicators LOAD-01… for 重庆市, ACCOUNTS district-editor accounts
#      for the first ACCOUNTS units of 重庆市 (data/places.toml), one API token each
#   3. planwatch serve in the background
#   4. at the same time, for DURATION:
#        writers  wrk -c WRITERS  bench/wrk_writes.lua  POST /api/v1/observations, one row each,
#                 every request a cell of its own (see the script)
#        readers  wrk -c READERS  bench/wrk_paths.lua   GET home, plan, progress, ranking, map,
#                 approvals, API plan list (rotating)
#      WRITERS + READERS = 64 connections by default
#   5. counts: values stored for LOAD-*, against acknowledged (200) writes; duplicated
#      (thread, request) values; gaps in each thread's request sequence; planwatch check
#   6. a summary printed and written to $RESULTS/write-load-summary.txt
#
# Knobs: DURATION (60s) WRITERS (16) READERS (48) THREADS (2) ACCOUNTS (30) INDICATORS (10)
#        PORT (18089) RESULTS (/tmp) PLANWATCH_BIN KEEP=1
#        BACKEND=postgres  run against a throwaway PostgreSQL server (scripts/pg_local.sh, in the
#                          work directory, port PGPORT (55433)) instead of an SQLite file
#        RESTART_AFTER=N   (with BACKEND=postgres) restart PostgreSQL N seconds into the run:
#                          writes during the restart must fail with a clear error (503) and
#                          succeed again afterwards, with nothing acknowledged lost
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
WRITERS=${WRITERS:-16}
READERS=${READERS:-48}
THREADS=${THREADS:-2}
ACCOUNTS=${ACCOUNTS:-30}
INDICATORS=${INDICATORS:-10}
PORT=${PORT:-18089}
RESULTS=${RESULTS:-/tmp}
BASE="http://127.0.0.1:$PORT"
export THREADS INDICATORS

die() { echo "write_load.sh: $*" >&2; exit 1; }

BACKEND=${BACKEND:-sqlite}
PGPORT=${PGPORT:-55433}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/planwatch-writes.XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $BACKEND == postgres ]]; then scripts/pg_local.sh stop "$WORK/pg" >/dev/null 2>&1 || true; fi
    if [[ ${KEEP:-0} == 1 ]]; then echo "write_load.sh: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk || { apt-get update && apt-get install -y wrk; } || die "wrk is needed"
fi
if [[ -z ${PLANWATCH_BIN:-} ]]; then
    cargo build --release -q -p planwatch-cli || die "build failed"
    PLANWATCH_BIN=${CARGO_TARGET_DIR:-target}/release/planwatch
fi
case $BACKEND in
sqlite) DB="$WORK/store.db" ;;
postgres) DB=$(scripts/pg_local.sh start "$WORK/pg" "$PGPORT") || die "PostgreSQL did not start" ;;
*) die "BACKEND is sqlite or postgres" ;;
esac
PW=("$PLANWATCH_BIN" --db "$DB" --index-dir "$WORK/index")

# One query on the store, rows tab-separated, whichever the backend.
sql() {
    if [[ $BACKEND == postgres ]]; then
        psql "$DB" -XAtq -F $'\t' -c "$1"
    else
        python3 -c 'import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for row in c.execute(sys.argv[2]): print("\t".join(map(str, row)))' "$DB" "$1"
    fi
}

"${PW[@]}" ingest examples/*.txt examples/*.html examples/*.docx >/dev/null 2>&1 || die "ingest failed"
"${PW[@]}" sample-data >/dev/null 2>&1 || die "sample-data failed"
for i in $(seq -f "%02g" 1 "$INDICATORS"); do
    "${PW[@]}" indicators add --code "LOAD-$i" --name "负载测试指标$i" --unit 家 --region 重庆市 \
        --frequency month >/dev/null 2>&1 || die "indicators add LOAD-$i failed"
done
# The first ACCOUNTS county-level units of 重庆市 (code 500000), from the places dictionary.
mapfile -t PLACES < <(python3 - "$ACCOUNTS" <<'PY'
import sys, tomllib
with open("data/places.toml", "rb") as f:
    places = tomllib.load(f)["place"]
units = [p["name"] for p in places if p.get("parent") == "500000" and p.get("level") == "county"]
print("\n".join(units[: int(sys.argv[1])]))
PY
)
[[ ${#PLACES[@]} -eq $ACCOUNTS ]] || die "only ${#PLACES[@]} units of 重庆市 found"
: > "$WORK/accounts.tsv"
n=0
for place in "${PLACES[@]}"; do
    n=$((n + 1))
    printf 'load-password-%02d\n' "$n" | "${PW[@]}" user add "cq$n" --role district --region 重庆市 \
        --place "$place" --password-stdin >/dev/null 2>&1 || die "user add cq$n failed"
    token=$("${PW[@]}" user token "cq$n" --label load 2>/dev/null) || die "user token cq$n failed"
    printf '%s\t%s\n' "$token" "$place" >> "$WORK/accounts.tsv"
done

"${PW[@]}" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server died: $(tail -5 "$WORK/server.log")"
    sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null || die "the server did not start"

PLAN=$(curl -fsS "$BASE/api/v1/plans" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
read -r INDEX REGION < <(sql "SELECT name, region FROM indices ORDER BY id LIMIT 1" |
    python3 -c 'import sys, urllib.parse; print(*(urllib.parse.quote(f) for f in sys.stdin.read().strip().split("\t")))')
SAMPLE_PLAN=$(sql "SELECT document_id FROM indicators WHERE document_id IS NOT NULL ORDER BY id LIMIT 1")
READ_PATHS=("/" "/plans/$PLAN" "/plans/$SAMPLE_PLAN/progress" "/rankings/$INDEX" "/maps?index=$INDEX"
    "/approvals?region=$REGION" "/api/v1/plans" "/monitor")

echo "write_load.sh: $ACCOUNTS district accounts, $INDICATORS indicators; $WRITERS writers + $READERS readers for $DURATION"
wrk -t"$THREADS" -c"$WRITERS" -d"$DURATION" --timeout 10s --latency -s bench/wrk_writes.lua "$BASE" \
    -- "$WORK/accounts.tsv" >"$WORK/writes.txt" 2>&1 &
WPID=$!
wrk -t"$THREADS" -c"$READERS" -d"$DURATION" --timeout 10s --latency -s bench/wrk_paths.lua "$BASE" \
    -- paths "${READ_PATHS[@]}" >"$WORK/reads.txt" 2>&1 &
RPID=$!
if [[ $BACKEND == postgres && -n ${RESTART_AFTER:-} ]]; then
    sleep "$RESTART_AFTER"
    t0=$(date +%s.%N)
    scripts/pg_local.sh restart "$WORK/pg" || die "PostgreSQL did not restart"
    t1=$(date +%s.%N)
    # The first request answered from the store after the restart.
    until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do sleep 0.05; done
    t2=$(date +%s.%N)
    RESTART_NOTE=$(python3 -c "import sys; a, b, c = map(float, sys.argv[1:]); print(f'PostgreSQL restarted at +${RESTART_AFTER}s: down {b - a:.2f} s, store answering again {c - b:.2f} s after it was up')" "$t0" "$t1" "$t2")
    echo "write_load.sh: $RESTART_NOTE"
fi
wait "$WPID" || true
wait "$RPID" || true
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died under load: $(tail -5 "$WORK/server.log")"
sleep 1  # writes in flight when wrk stopped finish

WLINE=$(grep '^WRK_WRITES' "$WORK/writes.txt" || true)
RLINE=$(grep '^WRK_SUMMARY' "$WORK/reads.txt" || true)
[[ -n $WLINE && -n $RLINE ]] || die "wrk failed: $(tail -3 "$WORK/writes.txt") $(tail -3 "$WORK/reads.txt")"
OK=$(sed -E 's/.* ok=([0-9]+).*/\1/' <<<"$WLINE")
sql "SELECT o.value FROM observations o JOIN indicators i ON i.id = o.indicator_id WHERE i.code LIKE 'LOAD-%'" \
    >"$WORK/values.txt"
IMPORTS=$(sql "SELECT COUNT(*) FROM imports WHERE file_name = 'load.csv'")
AUDITED=$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'observations.import' AND source LIKE 'load.csv%'")
COUNTS=$(python3 - "$WORK/values.txt" "$OK" "$WRITERS" "$THREADS" "$IMPORTS" "$AUDITED" <<'PY'
import sys, collections
ok, conns = int(sys.argv[2]), int(sys.argv[3])
values = [int(float(v)) for v in open(sys.argv[1]) if v.strip()]
stored = len(values)
duplicated = sum(n - 1 for n in collections.Counter(values).values() if n > 1)
# Each thread's requests are numbered 0, 1, 2, …: a number missing below the highest one
# stored, apart from the last few (made by wrk but not sent, or in flight when it stopped:
# at most one per connection of the thread), is a lost write.
threads = int(sys.argv[4])
per_thread = -(-conns // threads)
by_thread = collections.defaultdict(set)
for v in values:
    by_thread[v // 10_000_000].add(v % 10_000_000)
# wrk calls request() once on the first thread before the run and never sends that request
# (checked against an echo server: 1·10⁷+0 never arrives, every other number does).
if 1 in by_thread:
    by_thread[1].add(0)
gaps = sum(len(set(range(max(0, max(ks) + 1 - per_thread))) - ks) for ks in by_thread.values())
tail = sum(max(ks) + 1 - len(ks) for ks in by_thread.values()) - gaps
missing = sorted((t, k) for t, ks in by_thread.items() for k in set(range(max(0, max(ks) + 1 - per_thread))) - ks)
imports, audited = int(sys.argv[5]), int(sys.argv[6])
print(f"stored={stored} acknowledged={ok} lost={max(0, ok - stored)} duplicated={duplicated} "
      f"gaps={gaps} tail_not_sent={tail} stored_unacknowledged={max(0, stored - ok)} (at most {conns} in flight at the end) "
      f"imports={imports} audited={audited}" + (f" missing(thread,k)={missing[:10]}" if missing else ""))
PY
)
CHECK=$("${PW[@]}" check | tail -1)
{
    echo "write load ($(date -u +%FT%TZ)): $BACKEND, $ACCOUNTS district accounts via API tokens, $WRITERS writer + $READERS reader connections, $DURATION"
    if [[ -n ${RESTART_NOTE:-} ]]; then echo "fault:  $RESTART_NOTE"; fi
    echo "writes: $WLINE"
    echo "reads:  $RLINE"
    echo "store:  $COUNTS"
    echo "check:  $CHECK"
} | tee "$RESULTS/write-load-$BACKEND-summary.txt"
