#!/usr/bin/env bash
# The benchmark of the project:
#   ./scripts/bench.sh [extra IpsApi.Bench args, e.g. --runs 2 --duration 5]   accept path (cdnCacheInvalidation)
#   ./scripts/bench.sh purge [extra args, e.g. --runs 3 --samples 100]          reply-to-purge latency, purge throughput
#
# accept: the server runs as an API-only node (--no-workers), so the figures are the accept path's.
# purge:  a throwaway varnishd (Debian varnish) runs deploy/varnish/default.vcl on loopback with the
#         benchmark's own origin as its backend; the server runs 4 purge workers
#         (Purge:Varnish:Concurrency 16, so 64 PURGEs in flight at most, as the floor's clients).
#
# - builds the server and bench/IpsApi.Bench in Release (only those two projects, so a
#   half-written test elsewhere cannot break the benchmark),
# - starts a throwaway PostgreSQL with durability ON (fsync, synchronous_commit and
#   full_page_writes on; PG_FAST is never set) on a free loopback port from 55532 upwards,
# - migrates, adds the company Bench (publish host images.bench.test) and the IpsAdmin
#   bench@bench.test, starts `ipsapi serve` on a free loopback port with its default logging
#   (one Information line per request) redirected to a log file, waits for /healthz,
# - runs IpsApi.Bench against it (extra args are passed through; later ones win), which also
#   reports the CPU used by the server, the PostgreSQL cluster and itself during each run,
# - on exit (also on failure / Ctrl-C) stops the server and PostgreSQL, copies the server log to
#   artifacts/bench-server.log and removes the temp dir.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PG_PORT_FIRST=55532
PG_PORT_LAST=55582
SERVER_PORT_FIRST=58080
SERVER_PORT_LAST=58180
BENCH_EMAIL=bench@bench.test
BENCH_PASSWORD=bench-password-1
BENCH_ROOT=Bench
BENCH_HOST=images.bench.test
IPSAPI=$ROOT/src/IpsApi.Server/bin/Release/net10.0/ipsapi
BENCH_DLL=$ROOT/bench/IpsApi.Bench/bin/Release/net10.0/IpsApi.Bench.dll
ARTIFACTS=$ROOT/artifacts

log() { printf 'bench.sh: %s\n' "$*" >&2; }
die() { printf 'bench.sh: error: %s\n' "$*" >&2; exit 1; }

MODE=accept
if [[ ${1:-} == purge ]]; then
    MODE=purge
    shift
fi

case ${1:-} in
    -h|--help)
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
        echo
        echo "IpsApi.Bench options (after a build):"
        if [[ -f $BENCH_DLL ]]; then
            dotnet "$BENCH_DLL" --help
            echo
            dotnet "$BENCH_DLL" purge --help
        else
            echo "  (build first: dotnet build -c Release bench/IpsApi.Bench)"
        fi
        exit 0
        ;;
esac

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH"
command -v curl >/dev/null 2>&1 || die "curl is needed to wait for the server's /healthz"
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
# no MSBuild worker nodes lingering after the run
export MSBUILDDISABLENODEREUSE=${MSBUILDDISABLENODEREUSE:-1}
# durability stays on: never inherit the tests' switch
unset PG_FAST

# ---------------------------------------------------------------- temp dir + cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipsapi-bench.XXXXXX")
# pg.sh runs the server as 'postgres' when we are root; it must be able to reach $WORK/pg
chmod 711 "$WORK"
PGDIR=$WORK/pg
SERVER_LOG=$WORK/server.log
SERVER_PID=""
VARNISH_PID=""

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server $SERVER_PID did not stop; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n $VARNISH_PID ]] && kill -0 "$VARNISH_PID" 2>/dev/null; then
        kill -TERM "$VARNISH_PID" 2>/dev/null || true
        wait "$VARNISH_PID" 2>/dev/null || true
    fi
    if [[ -s $SERVER_LOG ]] && mkdir -p "$ARTIFACTS" && cp -- "$SERVER_LOG" "$ARTIFACTS/bench-server.log"; then
        log "server log copied to $ARTIFACTS/bench-server.log ($(wc -l <"$SERVER_LOG") lines)"
    fi
    if [[ -s $PGDIR/log ]] && mkdir -p "$ARTIFACTS" && cp -- "$PGDIR/log" "$ARTIFACTS/bench-postgres.log"; then
        log "PostgreSQL log copied to $ARTIFACTS/bench-postgres.log"
    fi
    "$ROOT/scripts/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true
    rm -rf -- "$WORK" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- build
BUILD_LOG=$WORK/build.log
for project in src/IpsApi.Server bench/IpsApi.Bench; do
    log "dotnet build -c Release $project"
    if ! dotnet build -c Release -nologo "$project" >>"$BUILD_LOG" 2>&1; then
        grep -E 'error|Error' "$BUILD_LOG" | sort -u >&2 || tail -n 40 "$BUILD_LOG" >&2
        die "build of $project failed"
    fi
done
[[ -x $IPSAPI ]] || die "$IPSAPI missing after the build"
[[ -f $BENCH_DLL ]] || die "$BENCH_DLL missing after the build"

# ---------------------------------------------------------------- PostgreSQL (durable)
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1 && ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then
        return 0
    fi
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

CONN=$("$ROOT/scripts/pg.sh" start-free "$PGDIR" "$PG_PORT_FIRST" "$PG_PORT_LAST")
port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$CONN")
PG_PID=$(head -n1 "$PGDIR/data/postmaster.pid")
PSQL=/usr/lib/postgresql/$(<"$PGDIR/data/PG_VERSION")/bin/psql
PG_VERSION_TEXT=$(PGPASSWORD=postgres "$PSQL" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "select current_setting('server_version') || ' (fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes') || ')'" 2>/dev/null || echo "?")
log "PostgreSQL $PG_VERSION_TEXT on 127.0.0.1:$port (postmaster $PG_PID), data in $PGDIR"

# The server and its admin commands use the cluster's 'postgres' database.
export Database__Provider=Postgres
export ConnectionStrings__IpsApi=$CONN

# ---------------------------------------------------------------- schema, company, user
# (on an empty database EF Core logs its probe of the missing history table as an error; keep that out of the way)
if ! "$IPSAPI" migrate >"$WORK/migrate.log" 2>&1; then
    cat "$WORK/migrate.log" >&2
    die "ipsapi migrate failed"
fi
log "$(tail -n1 "$WORK/migrate.log")"
COMPANY_OUT=$("$IPSAPI" company add --name Bench --root "$BENCH_ROOT" --publish-host "$BENCH_HOST") \
    || die "ipsapi company add failed"
COMPANY=$(printf '%s\n' "$COMPANY_OUT" | tail -n1)
[[ $COMPANY =~ ^c\|[0-9]+$ ]] || die "ipsapi company add printed no handle: $COMPANY_OUT"
printf '%s\n' "$BENCH_PASSWORD" | "$IPSAPI" user add --email "$BENCH_EMAIL" --role IpsAdmin --password-stdin >/dev/null \
    || die "ipsapi user add failed"
log "company $COMPANY (root $BENCH_ROOT, publish host $BENCH_HOST), user $BENCH_EMAIL"

# ---------------------------------------------------------------- varnishd (purge mode)
free_port() {
    local first=$1 last=$2 p
    for ((p = first; p <= last; p++)); do
        if ! port_in_use "$p" && [[ " ${TAKEN:-} " != *" $p "* ]]; then TAKEN="${TAKEN:-} $p"; echo "$p"; return 0; fi
    done
    return 1
}

SERVE_ARGS=(--no-workers)
if [[ $MODE == purge ]]; then
    VARNISHD=$(command -v varnishd || echo /usr/sbin/varnishd)
    [[ -x $VARNISHD ]] || die "varnishd not found: install the Debian package varnish (./scripts/test.sh does)"
    ORIGIN_PORT=$(free_port 58200 58300) || die "no free port for the benchmark's origin"
    VARNISH_PORT=$(free_port 56081 56181) || die "no free port for varnishd"
    sed -E "s/\.port = \"[0-9]+\";/.port = \"$ORIGIN_PORT\";/" "$ROOT/deploy/varnish/default.vcl" >"$WORK/bench.vcl"
    "$VARNISHD" -F -j none -n "$WORK/varnish" -a "127.0.0.1:$VARNISH_PORT" -f "$WORK/bench.vcl" -s malloc,256m -T none \
        >"$WORK/varnish.log" 2>&1 </dev/null &
    VARNISH_PID=$!
    for ((i = 0; i < 100; i++)); do
        kill -0 "$VARNISH_PID" 2>/dev/null || { cat "$WORK/varnish.log" >&2; die "varnishd exited during startup"; }
        port_in_use "$VARNISH_PORT" && break
        sleep 0.1
    done
    log "varnishd $("$VARNISHD" -V 2>&1 | head -n1) on 127.0.0.1:$VARNISH_PORT (PID $VARNISH_PID), backend 127.0.0.1:$ORIGIN_PORT"
    export Purge__Varnish__Nodes__0=http://127.0.0.1:$VARNISH_PORT
    export Purge__Workers=${BENCH_WORKERS:-4}
    export Purge__Varnish__Concurrency=${BENCH_LANES:-16}
    SERVE_ARGS=()
fi

# ---------------------------------------------------------------- server
SERVER_PORT=$(free_port "$SERVER_PORT_FIRST" "$SERVER_PORT_LAST") || die "no free port in $SERVER_PORT_FIRST..$SERVER_PORT_LAST for the server"
BASE=http://127.0.0.1:$SERVER_PORT
"$IPSAPI" serve --urls "$BASE" "${SERVE_ARGS[@]}" >"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!
log "ipsapi serve --urls $BASE (PID $SERVER_PID), log $SERVER_LOG"

ready=0
for ((i = 0; i < 120; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$SERVER_LOG" >&2 || true; die "the server exited during startup"; }
    if [[ $(curl -s --max-time 2 "$BASE/healthz" 2>/dev/null || true) == ok* ]]; then ready=1; break; fi
    sleep 0.5
done
if [[ $ready != 1 ]]; then
    tail -n 30 "$SERVER_LOG" >&2 || true
    die "$BASE/healthz never answered ok"
fi
log "server ready"

# ---------------------------------------------------------------- benchmark
if [[ $MODE == purge ]]; then
    LABEL="ipsapi serve (Release) with 4 purge workers, Varnish tier $Purge__Varnish__Nodes__0 (concurrency 16 per batch), PostgreSQL $PG_VERSION_TEXT; request and batch logging ON"
    set +e
    dotnet "$BENCH_DLL" purge \
        --target "$BASE/scene7/services/IpsApiService" \
        --varnish "http://127.0.0.1:$VARNISH_PORT" --origin-port "$ORIGIN_PORT" \
        --user "$BENCH_EMAIL" --password "$BENCH_PASSWORD" \
        --company "$COMPANY" --host "$BENCH_HOST" --root "$BENCH_ROOT" \
        --floor-concurrency 64 --label "$LABEL" \
        "$@"
    rc=$?
    set -e
    exit "$rc"
fi

LABEL="ipsapi serve --no-workers (Release, $(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print "ASP.NET Core " v}')), PostgreSQL $PG_VERSION_TEXT on loopback; request logging ON (one Information line per request, stdout to a file)"
set +e
dotnet "$BENCH_DLL" \
    --target "$BASE/scene7/services/IpsApiService" \
    --user "$BENCH_EMAIL" --password "$BENCH_PASSWORD" \
    --company "$COMPANY" --host "$BENCH_HOST" --root "$BENCH_ROOT" \
    --label "$LABEL" \
    --watch "ipsapi=$SERVER_PID" --watch "postgres=$PG_PID" --server-metrics "$BASE/metrics" \
    "$@"
rc=$?
set -e
log "server log: $SERVER_LOG, $(grep -c ' responded ' "$SERVER_LOG" || true) request lines (copied to $ARTIFACTS/bench-server.log on exit)"
exit "$rc"
