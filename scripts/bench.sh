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

log() { printf 'bench.sh: %s\n' "$*" >&2; }
die() { printf 'bench.sh: error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/bench-stack.sh
. "$ROOT/scripts/bench-stack.sh"

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

# ---------------------------------------------------------------- temp dir + cleanup
stack_init bench
VARNISH_PID=""

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    stack_stop_server
    if [[ -n $VARNISH_PID ]] && kill -0 "$VARNISH_PID" 2>/dev/null; then
        kill -TERM "$VARNISH_PID" 2>/dev/null || true
        wait "$VARNISH_PID" 2>/dev/null || true
    fi
    stack_keep_logs "$ARTIFACTS" bench-server.log bench-postgres.log
    stack_remove
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- build, PostgreSQL (durable), schema, company, user
stack_build
stack_postgres
stack_seed

# ---------------------------------------------------------------- varnishd (purge mode)
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
stack_serve "${SERVE_ARGS[@]}"

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
