#!/usr/bin/env bash
# planwatch web workspace load benchmark.
#
# What it runs:
#   1. python3 bench/gen_corpus.py        N generated plan documents (default 1000, ~45 MB)
#   2. cargo build --release -p planwatch-cli
#   3. planwatch --db DB ingest SEEDS/*   the real seed documents, if present (not timed)
#      planwatch --db DB ingest CORPUS/*  the generated documents, timed (documents/s, MB/s)
#   4. planwatch --db DB serve --addr 127.0.0.1:PORT   in the background, with a random
#      PLANWATCH_ADMIN_TOKEN; waits for GET /healthz (60 s, else exit 1)
#   3b. planwatch --db DB sample-data    synthetic monitoring data for one plan's region
#   5. wrk (installed with apt-get if missing) against the endpoints below, with
#      bench/wrk_paths.lua rotating over several URLs per endpoint:
#        plan    GET /plans/{id}              over NIDS plan ids from GET /api/v1/plans
#        xlsx    GET /plans/{id}/tasks.xlsx   over the same ids
#        search  GET /api/v1/search?q=…       30 queries (人工智能 集成电路 … 積體電路 …)
#        progress GET /plans/{id}/progress?as_of=…   the sample plan, 4 quarters
#        ranking  GET /rankings/{index}?period=…     the sample index, 4 quarters
#        map      GET /maps?indicator=…              8 indicators
#        registry GET /registries/enterprise?region=…&district=…   the filtered registry list
#                 (200 rows a page, counts per filter value) over every district of the sample
#                 region, a tier filter and a second page; the registry is REGISTRY_N (5000)
#                 synthetic enterprises (bench/gen_registry.py) imported and approved through
#                 POST /api/v1/registries/enterprise/import and …/approve after the server starts
#      and, on a server restarted with PLANWATCH_SEARCH_CACHE=0 PLANWATCH_PAGE_CACHE=0, the
#      search, progress, ranking and map endpoints again, every request computed afresh
#   6. a summary table per endpoint: requests/s, p50, p99, socket errors and non-2xx
#      responses; printed and written to $RESULTS/load-summary.txt
#   7. the server is stopped on exit (also on error or Ctrl-C)
#
# Knobs (environment):
#   N (1000)  SEED (1)  PORT (18087)  DURATION (30s)  CONNECTIONS (64)  THREADS (2)
#   NIDS (8)  REGISTRY_N (5000)  WRK_TIMEOUT (10s)  RESULTS (/tmp)  PLANWATCH_SEEDS (../shared/seeds)
#   CORPUS_DIR   use this corpus instead of generating one
#   PLANWATCH_BIN  use this binary and skip the build (default $CARGO_TARGET_DIR/release/planwatch,
#                  CARGO_TARGET_DIR defaulting to target)
#   KEEP=1     keep the work directory (corpus, store, server log, wrk outputs)
#
# Exit status: 0 when all steps ran (errors under load are reported, not fatal); 1 when the
# corpus, build, ingest or server start failed, the store listed no plans, or the server died.
# Root is only needed to apt-get install wrk.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
SEED=${SEED:-1}
PORT=${PORT:-18087}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
NIDS=${NIDS:-8}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
RESULTS=${RESULTS:-/tmp}
SEEDS=${PLANWATCH_SEEDS:-../shared/seeds}
BASE="http://127.0.0.1:$PORT"

die() { echo "load.sh: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/planwatch-load.XXXXXX")
DB="$WORK/store.db"
SERVER_PID=""

stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    stop_server
    if [[ ${KEEP:-0} == 1 ]]; then
        echo "load.sh: kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wrk first: failing after minutes of generation and ingest would be a waste.
if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
    elif command -v sudo >/dev/null; then
        sudo apt-get install -y wrk || { sudo apt-get update && sudo apt-get install -y wrk; }
    fi
    command -v wrk >/dev/null || die "wrk is not installed and could not be installed (apt-get install wrk)"
fi
command -v curl >/dev/null || die "curl is required"

# ---- 1. corpus -------------------------------------------------------------------------
if [[ -n ${CORPUS_DIR:-} ]]; then
    CORPUS=$CORPUS_DIR
    [[ -d $CORPUS ]] || die "CORPUS_DIR $CORPUS is not a directory"
    echo "== corpus: $CORPUS (given)"
else
    CORPUS="$WORK/corpus"
    echo "== python3 bench/gen_corpus.py -n $N --seed $SEED"
    python3 bench/gen_corpus.py --out "$CORPUS" -n "$N" --seed "$SEED"
fi
shopt -s nullglob
DOCS=("$CORPUS"/*)
shopt -u nullglob
((${#DOCS[@]} > 0)) || die "no documents in $CORPUS"
CORPUS_BYTES=$(cat "${DOCS[@]}" | wc -c)

# ---- 2. build --------------------------------------------------------------------------
if [[ -n ${PLANWATCH_BIN:-} ]]; then
    BIN=$PLANWATCH_BIN
    echo "== using $BIN (PLANWATCH_BIN; not built)"
else
    echo "== cargo build --release -p planwatch-cli"
    cargo build --release -p planwatch-cli
    BIN="${CARGO_TARGET_DIR:-target}/release/planwatch"
fi
[[ -x $BIN ]] || die "$BIN is not an executable"

# ---- 3. ingest -------------------------------------------------------------------------
shopt -s nullglob
SEED_DOCS=("$SEEDS"/*)
shopt -u nullglob
if ((${#SEED_DOCS[@]} > 0)); then
    echo "== planwatch --db $DB ingest $SEEDS/* (${#SEED_DOCS[@]} seed documents)"
    "$BIN" --db "$DB" ingest "${SEED_DOCS[@]}" || die "ingest of the seed documents failed"
else
    echo "== no seed documents in $SEEDS: skipped"
fi

echo "== planwatch --db $DB ingest CORPUS/* (${#DOCS[@]} documents, timed)"
TIMER=()
[[ -x /usr/bin/time ]] && TIMER=(/usr/bin/time -v -o "$WORK/ingest.time")
t0=$(date +%s.%N)
INGEST_RC=0
"${TIMER[@]}" "$BIN" --db "$DB" ingest "${DOCS[@]}" || INGEST_RC=$?
t1=$(date +%s.%N)
((INGEST_RC == 0)) || echo "load.sh: warning: ingest exited with status $INGEST_RC (some documents may be missing)" >&2
((INGEST_RC < 2)) || die "ingest failed (exit $INGEST_RC)"
INGEST_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
INGEST_LINE=$(awk -v s="$INGEST_SECS" -v n="${#DOCS[@]}" -v b="$CORPUS_BYTES" \
    'BEGIN { if (s <= 0) s = 0.001; printf "%d documents (%.1f MB) in %.2f s: %.1f documents/s, %.2f MB/s", n, b / 1e6, s, n / s, b / 1e6 / s }')
INGEST_RSS=""
if [[ -f $WORK/ingest.time ]]; then
    INGEST_RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }' "$WORK/ingest.time")
fi
DB_SIZE=$(du -sh "$DB"* 2>/dev/null | awk '{ print $1 }' | paste -sd+ -)
echo "ingest: $INGEST_LINE${INGEST_RSS:+, peak RSS $INGEST_RSS}; store $DB_SIZE"

# ---- 3b. monitoring data -----------------------------------------------------------------
# The synthetic sample (indicators from a plan's targets, 8+ quarters for every district, an
# index, a published ranking) on the plan `sample-data` picks.
echo "== planwatch --db $DB sample-data"
"$BIN" --db "$DB" sample-data || die "sample-data failed"
MON_INDEX=$("$BIN" --db "$DB" index list | head -n 1 | cut -f1)
[[ -n $MON_INDEX ]] || die "sample-data defined no index"
"$BIN" --db "$DB" rank --index "$MON_INDEX" --json >"$WORK/rank.json" || die "rank failed"
"$BIN" --db "$DB" indicators list --json >"$WORK/indicators.json" || die "indicators list failed"
mapfile -t MON_PATHS < <(python3 bench/monitor_paths.py "$WORK/rank.json" "$WORK/indicators.json" "$MON_INDEX")
declare -A MON_ARGS
for line in "${MON_PATHS[@]}"; do
    MON_ARGS[${line%% *}]+=" ${line#* }"
done

# ---- 4. server -------------------------------------------------------------------------
if curl -s -o /dev/null --max-time 2 "$BASE/"; then
    die "something already listens on 127.0.0.1:$PORT (set PORT)"
fi
PLANWATCH_ADMIN_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export PLANWATCH_ADMIN_TOKEN
start_server() {
    echo "== ${*:+$* }planwatch --db $DB serve --addr 127.0.0.1:$PORT"
    env "$@" "$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + 60)) rc
    until curl -fsS --max-time 2 "$BASE/healthz" >/dev/null 2>&1; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" && rc=0 || rc=$?
            SERVER_PID=""
            tail -n 30 "$WORK/server.log" >&2
            die "the server exited (status $rc) before answering /healthz"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$WORK/server.log" >&2
            die "the server did not answer $BASE/healthz within 60 s"
        fi
        sleep 0.2
    done
    echo "server up (pid $SERVER_PID)"
}
start_server

# ---- 4b. registry data -----------------------------------------------------------------
# A synthetic enterprise registry for the sample's region, imported in three rounds (tiers
# gained, promoted, lost) and approved with the admin token. A failure here is a warning:
# the registry endpoint is then left out.
REG_PATHS=()
REG_REGION=$(python3 -c 'import json, sys; print(next((i["region"] for i in json.load(open(sys.argv[1], encoding="utf-8")) if i.get("region")), ""))' "$WORK/indicators.json" || true)
REG_DISTRICTS=$(python3 -c 'import json, sys; print(",".join(sorted({r["place"] for r in json.load(open(sys.argv[1], encoding="utf-8")).get("rows", [])})))' "$WORK/rank.json" || true)
if [[ -n $REG_REGION && -n $REG_DISTRICTS ]] && python3 bench/gen_registry.py "$WORK/registry" "$REG_REGION" "$REG_DISTRICTS" "" "${REGISTRY_N:-5000}"; then
    REG_Q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$REG_REGION")
    reg_ok=1
    for round in round1 round2 round3; do
        curl -fsS -o /dev/null --max-time 300 -X POST -H "Authorization: Bearer $PLANWATCH_ADMIN_TOKEN" \
            --data-binary "@$WORK/registry/$round.csv" \
            "$BASE/api/v1/registries/enterprise/import?region=$REG_Q&name=$round.csv" || reg_ok=0
    done
    curl -fsS -o /dev/null --max-time 300 -X POST -H "Authorization: Bearer $PLANWATCH_ADMIN_TOKEN" \
        -H 'Content-Type: application/json' --data "{\"region\": \"$REG_REGION\"}" \
        "$BASE/api/v1/registries/enterprise/approve" || reg_ok=0
    if ((reg_ok)); then
        IFS=, read -ra REG_DS <<<"$REG_DISTRICTS"
        for d in "${REG_DS[@]}"; do
            REG_PATHS+=("/registries/enterprise?region=$REG_Q&district=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$d")")
        done
        REG_PATHS+=("/registries/enterprise?region=$REG_Q&tier=%E5%85%A5%E5%BA%93" "/registries/enterprise?region=$REG_Q&page=2")
        echo "registry: ${REGISTRY_N:-5000} enterprises in $REG_REGION, ${#REG_PATHS[@]} list URLs"
    else
        echo "load.sh: warning: the registry import failed; the registry endpoint is left out" >&2
    fi
else
    echo "load.sh: warning: no region or districts for a registry; the registry endpoint is left out" >&2
fi

# ---- 5. plan ids and wrk ---------------------------------------------------------------
curl -fsS --max-time 60 "$BASE/api/v1/plans" >"$WORK/plans.json" || die "GET /api/v1/plans failed"
mapfile -t IDS < <(python3 - "$WORK/plans.json" "$NIDS" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
if isinstance(data, dict):  # tolerate {"plans": [...]} and the like
    data = next((v for k, v in data.items() if k in ("plans", "items", "data", "results") and isinstance(v, list)), [])
ids = [str(p["id"]) for p in data if isinstance(p, dict) and p.get("id") not in (None, "")]
k = max(1, int(sys.argv[2]))
# spread over the list: not only the first plans ingested
step = max(1, len(ids) // k)
for i in ids[::step][:k]:
    print(i)
print(f"load.sh: /api/v1/plans lists {len(ids)} plans", file=sys.stderr)
EOF
)
((${#IDS[@]} > 0)) || die "GET /api/v1/plans returned no plan ids"
echo "plan ids: ${IDS[*]}"

urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# 30 distinct queries: industries, departments, indicator words (common and rare).
SEARCH_QUERIES=(人工智能 集成电路 氢能 新型储能 科技创新 積體電路 生物医药 低空经济 商业航天 量子科技
    人形机器人 脑机接口 新材料 大数据 专精特新 链主企业 市经济和信息化局 市科技局 市发展改革委 高新技术企业
    研发经费 营业收入 产值 创新平台 重点实验室 孵化器 中试 应用场景 数字经济 工业互联网)
# search: results cached per (query, index generation), as served; search_uncached: the same
# queries on a server started with PLANWATCH_SEARCH_CACHE=0, every request a real search.
ENDPOINTS=(plan xlsx search progress ranking map)
((${#REG_PATHS[@]} == 0)) || ENDPOINTS+=(registry)
ENDPOINTS+=(search_uncached progress_uncached ranking_uncached map_uncached)
declare -A PROBE=(
    [plan]="/plans/$(urlencode "${IDS[0]}")"
    [xlsx]="/plans/$(urlencode "${IDS[0]}")/tasks.xlsx"
    [search]="/api/v1/search?q=$(urlencode 人工智能)"
    [search_uncached]="/api/v1/search?q=$(urlencode 人工智能)"
    [registry]="${REG_PATHS[0]:-}"
)
for m in progress ranking map; do
    first=${MON_ARGS[$m]# }
    PROBE[$m]=${first%% *}
    PROBE[${m}_uncached]=${first%% *}
done
declare -A LABEL=([plan]="GET /plans/{id}" [xlsx]="GET /plans/{id}/tasks.xlsx" [search]="GET /api/v1/search?q="
    [search_uncached]="search, uncached" [progress]="GET /plans/{id}/progress" [ranking]="GET /rankings/{index}"
    [map]="GET /maps?indicator=" [progress_uncached]="progress, uncached" [ranking_uncached]="ranking, uncached"
    [map_uncached]="map, uncached" [registry]="GET /registries/{kind}?filters")

echo "== probe (one request each)"
for ep in "${ENDPOINTS[@]}"; do
    curl -sS -o /dev/null --max-time 30 \
        -w "${PROBE[$ep]}: %{http_code}, %{size_download} bytes, %{time_total} s, %{content_type}\n" \
        "$BASE${PROBE[$ep]}" || echo "${PROBE[$ep]}: request failed"
done

SERVER_RSS_MAX=0
server_rss() {
    local rss
    rss=$(ps -o rss= -p "$SERVER_PID" 2>/dev/null | tr -d ' ') || true
    if [[ -n $rss ]] && ((rss > SERVER_RSS_MAX)); then SERVER_RSS_MAX=$rss; fi
}

declare -A SUMMARY
for ep in "${ENDPOINTS[@]}"; do
    if [[ $ep == search_uncached ]]; then
        stop_server
        start_server PLANWATCH_SEARCH_CACHE=0 PLANWATCH_PAGE_CACHE=0
    fi
    case $ep in
        search) args=(search "${SEARCH_QUERIES[@]}") ;;
        search_uncached) args=(search "${SEARCH_QUERIES[@]}") ;;
        progress | ranking | map) read -ra args <<<"paths ${MON_ARGS[$ep]}" ;;
        registry) args=(paths "${REG_PATHS[@]}") ;;
        *_uncached) read -ra args <<<"paths ${MON_ARGS[${ep%_uncached}]}" ;;
        *) args=("$ep" "${IDS[@]}") ;;
    esac
    echo
    echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ${LABEL[$ep]}"
    if ! wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
        -s bench/wrk_paths.lua "$BASE" -- "${args[@]}" >"$WORK/wrk-$ep.txt" 2>&1; then
        echo "load.sh: warning: wrk failed for $ep" >&2
    fi
    cat "$WORK/wrk-$ep.txt"
    SUMMARY[$ep]=$(grep '^WRK_SUMMARY ' "$WORK/wrk-$ep.txt" | tail -n 1 || true)
    server_rss
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; die "the server died during the $ep run"; }
done

# ---- 6. summary ------------------------------------------------------------------------
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

mkdir -p "$RESULTS"
OUT="$RESULTS/load-summary.txt"
{
    echo "planwatch load benchmark — $(date '+%Y-%m-%d %H:%M:%S %z')"
    echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)'), $(nproc) cores"
    echo "corpus: ${#DOCS[@]} generated documents$([[ -z ${CORPUS_DIR:-} ]] && echo " (seed $SEED)"), ${#SEED_DOCS[@]} seed documents"
    echo "ingest: $INGEST_LINE${INGEST_RSS:+, peak RSS $INGEST_RSS}$( ((INGEST_RC == 0)) || echo ", exit status $INGEST_RC"); store $DB_SIZE"
    echo "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per endpoint; ${#IDS[@]} plan ids, ${#SEARCH_QUERIES[@]} search queries"
    echo
    printf '%-30s %10s %10s %10s %10s %10s %8s %8s\n' endpoint requests "req/s" "p50 ms" "p99 ms" "max ms" "sock err" "non-2xx"
    for ep in "${ENDPOINTS[@]}"; do
        s=${SUMMARY[$ep]:-}
        if [[ -z $s ]]; then
            printf '%-30s %s\n' "${LABEL[$ep]}" "no result (see wrk output)"
            continue
        fi
        awk -v l="${LABEL[$ep]}" -v n="$(field "$s" requests)" -v r="$(field "$s" rps)" \
            -v p50="$(field "$s" p50_us)" -v p99="$(field "$s" p99_us)" -v mx="$(field "$s" max_us)" \
            -v se="$(field "$s" socket_errors)" -v bad="$(field "$s" non2xx)" \
            'BEGIN { printf "%-30s %10d %10.1f %10.2f %10.2f %10.2f %8d %8d\n", l, n, r, p50 / 1000, p99 / 1000, mx / 1000, se, bad }'
        st=$(field "$s" statuses)
        [[ $st == - || -z $st ]] || echo "    non-2xx by status: $st"
    done
    echo
    echo "server peak RSS: $((SERVER_RSS_MAX / 1024)) MB"
} | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "summary written to $OUT"
