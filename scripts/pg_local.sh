#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for tests and benchmarks, from Debian's
# `postgresql` package (installed if missing).
#
#   scripts/pg_local.sh start DIR [PORT]   initialise DIR (if new) and start; prints the URL
#   scripts/pg_local.sh stop DIR           stop it
#   scripts/pg_local.sh restart DIR        stop and start again (the fault test of the load run)
#
# The server listens on 127.0.0.1 only, with password authentication (scram-sha-256) for
# the role `planwatch` (password `planwatch`), which owns the database `planwatch`.
set -euo pipefail
cmd=${1:?start|stop|restart}
dir=${2:?directory}
port=${3:-55432}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# PostgreSQL refuses to run as root: run its tools as the `postgres` user then.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
        # The server's user must reach DIR through its parent (often a private mktemp dir).
        chmod a+x "$(dirname "$dir")"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        pw=$(mktemp)
        echo postgres >"$pw"
        [ "$(id -u)" = 0 ] && chown postgres: "$pw"
        as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
        rm -f "$pw"
        fresh=1
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c shared_buffers=256MB -c fsync=on" \
        start >/dev/null
    if [ "${fresh:-0}" = 1 ]; then
        as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE planwatch LOGIN PASSWORD 'planwatch'" \
            -c "CREATE DATABASE planwatch OWNER planwatch" >/dev/null
    fi
    echo "postgres://planwatch:planwatch@127.0.0.1:$port/planwatch"
    ;;
stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
restart)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >/dev/null
    ;;
*)
    echo "usage: $0 start|stop|restart DIR [PORT]" >&2
    exit 2
    ;;
esac
