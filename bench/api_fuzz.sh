#!/usr/bin/env bash
# Property-based fuzzing of the JSON API against its own OpenAPI document (schemathesis):
# every operation is called with generated valid and invalid inputs, and each response is
# checked against the document (status codes, content types, schemas) and for server errors.
#
#   bench/api_fuzz.sh [DB]      MAX_EXAMPLES (default 1000), PORT (18510)
#
# Uses the given store (default: a fresh one with the bundled examples). Not a CI step: a run
# takes minutes. Needs python3 and pip (schemathesis is installed into a venv under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES=${MAX_EXAMPLES:-1000}
PORT=${PORT:-18510}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/planwatch-apifuzz.XXXXXX")
SERVER_PID=""
cleanup() {
    [[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

VENV=${TMPDIR:-/tmp}/planwatch-schemathesis
[[ -x $VENV/bin/schemathesis ]] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q schemathesis; }

cargo build --release -q -p planwatch-cli
BIN=${CARGO_TARGET_DIR:-target}/release/planwatch
if [[ -n ${1:-} ]]; then
    cp "$1" "$WORK/store.db"
else
    "$BIN" --db "$WORK/store.db" ingest examples/*.txt examples/*.html examples/*.docx
fi
TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
PLANWATCH_ADMIN_TOKEN=$TOKEN "$BIN" --db "$WORK/store.db" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

status=0
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" --checks all \
    --max-examples "$MAX_EXAMPLES" -H "Authorization: Bearer $TOKEN" || status=$?
if grep -q "internal error" "$WORK/server.log"; then
    echo "api_fuzz.sh: the server logged internal errors:" >&2
    grep "internal error" "$WORK/server.log" | head -20 >&2
    status=1
fi
exit "$status"
