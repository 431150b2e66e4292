#!/usr/bin/env bash
# Profile of the accept path (cdnCacheInvalidation) under the benchmark's closed-loop load:
#   ./scripts/profile.sh [--runs N] [--duration S] [--warmup S] [--scenario 1|1000|all]
#
# Same setup as ./scripts/bench.sh (Release build, throwaway durable PostgreSQL, company Bench,
# `ipsapi serve --no-workers` with its default request logging to a file), then for each scenario
# (default: 1 and 1000 URLs per request) and each run (default 3, 15 s each, 8 clients):
# - dotnet-trace (local tool, .config/dotnet-tools.json) samples the server's thread stacks
#   (profile dotnet-sampled-thread-time, plus gc-collect) for the run's window, written as
#   nettrace and converted to speedscope,
# - dotnet-counters records the server's System.Runtime counters (CPU, allocation, GC counts,
#   working set) as CSV over the same window,
# - IpsApi.Bench drives the load (one run, no warmup; its floor phase follows with the server idle),
# - the server's CPU time (from /proc) and its request count (the ' responded ' log lines) are
#   read before and after, giving CPU ms per request and allocated bytes per request beside req/s.
# One warmup pass per scenario (default 20 s of load) runs first and is not recorded.
# Everything lands in artifacts/profile/ (not committed); scripts/profile-groups.py sums the
# sampled CPU time per frame group of each trace and prints the table.
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
OUT=$ARTIFACTS/profile

log() { printf 'profile.sh: %s\n' "$*" >&2; }
die() { printf 'profile.sh: error: %s\n' "$*" >&2; exit 1; }

RUNS=3
DURATION=15
WARMUP=20
SCENARIOS=(1 1000)
while (($#)); do
    case $1 in
        -h|--help)
            awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        --runs) RUNS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --scenario)
            case $2 in
                all) SCENARIOS=(1 1000) ;;
                1|1000) SCENARIOS=("$2") ;;
                *) die "--scenario must be 1, 1000 or all" ;;
            esac
            shift 2
            ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs must be a positive integer"
[[ $DURATION =~ ^[0-9]+$ && $DURATION -ge 2 ]] || die "--duration must be whole seconds, at least 2"
[[ $WARMUP =~ ^[0-9]+$ && $WARMUP -ge 1 ]] || die "--warmup must be whole seconds, at least 1"

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH"
command -v curl >/dev/null 2>&1 || die "curl is needed to wait for the server's /healthz"
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
# no MSBuild worker nodes lingering after the run
export MSBUILDDISABLENODEREUSE=${MSBUILDDISABLENODEREUSE:-1}
# durability stays on: never inherit the tests' switch
unset PG_FAST

# ---------------------------------------------------------------- temp dir + cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipsapi-profile.XXXXXX")
# pg.sh runs the server as 'postgres' when we are root; it must be able to reach $WORK/pg
chmod 711 "$WORK"
PGDIR=$WORK/pg
SERVER_LOG=$WORK/server.log
SERVER_PID=""

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
    if [[ -s $SERVER_LOG ]] && mkdir -p "$OUT" && cp -- "$SERVER_LOG" "$OUT/server.log"; then
        log "server log copied to $OUT/server.log ($(wc -l <"$SERVER_LOG") lines)"
    fi
    if [[ -s $PGDIR/log ]] && mkdir -p "$OUT" && cp -- "$PGDIR/log" "$OUT/postgres.log"; then
        log "PostgreSQL log copied to $OUT/postgres.log"
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

free_port() {
    local first=$1 last=$2 p
    for ((p = first; p <= last; p++)); do
        if ! port_in_use "$p" && [[ " ${TAKEN:-} " != *" $p "* ]]; then TAKEN="${TAKEN:-} $p"; echo "$p"; return 0; fi
    done
    return 1
}

SERVE_ARGS=(--no-workers)

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

# ---------------------------------------------------------------- profiling
# (no tool may read the server's password: the bench gets it on its command line like bench.sh does)
log "dotnet tool restore"
dotnet tool restore >"$WORK/tool-restore.log" 2>&1 || { cat "$WORK/tool-restore.log" >&2; die "dotnet tool restore failed"; }
mkdir -p "$OUT"

server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
server_requests() { grep -c ' responded ' "$SERVER_LOG" || true; }
CLK_TCK=$(getconf CLK_TCK)

bench() {
    local urls=$1 warmup=$2 duration=$3
    dotnet "$BENCH_DLL" \
        --target "$BASE/scene7/services/IpsApiService" \
        --user "$BENCH_EMAIL" --password "$BENCH_PASSWORD" \
        --company "$COMPANY" --host "$BENCH_HOST" --root "$BENCH_ROOT" \
        --scenario "$urls" --runs 1 --warmup "$warmup" --duration "$duration" \
        --watch "ipsapi=$SERVER_PID" --watch "postgres=$PG_PID"
}

SUMMARY=$OUT/summary.tsv
printf 'urls\trun\trequests\treq_per_s\tcpu_ms_per_req\talloc_bytes_per_req\tgen0\tgen1\tgen2\tpeak_working_set_mb\tmax_cpu_pct\ttrace\n' >"$SUMMARY"
hms() { printf '00:00:%02d:%02d' $(($1 / 60)) $(($1 % 60)); }

for urls in "${SCENARIOS[@]}"; do
    log "$urls URL(s) per request: warmup (not recorded)"
    bench "$urls" 0 "$WARMUP" >"$OUT/warmup-$urls.txt" 2>&1 || { cat "$OUT/warmup-$urls.txt" >&2; die "warmup failed"; }
    for ((run = 1; run <= RUNS; run++)); do
        tag=urls$urls-run$run
        # the window: tools attach first, the bench's measured phase is DURATION s; the trace and
        # counters cover the bench's IpsApi phase plus a little of its (server-idle) floor phase
        window=$((DURATION + 4))
        dotnet dotnet-counters collect -p "$SERVER_PID" --refresh-interval 1 --format csv -o "$OUT/$tag.counters.csv" \
            --counters System.Runtime --duration "$(hms "$window")" >"$OUT/$tag.counters.log" 2>&1 </dev/null &
        counters_pid=$!
        dotnet dotnet-trace collect -p "$SERVER_PID" --profile dotnet-sampled-thread-time,gc-collect \
            -o "$OUT/$tag.nettrace" --duration "$(hms "$window")" >"$OUT/$tag.trace.log" 2>&1 </dev/null &
        trace_pid=$!
        # wait until both sessions are attached (their output files appear) before loading
        for ((i = 0; i < 100; i++)); do
            [[ -e $OUT/$tag.nettrace ]] && grep -q . "$OUT/$tag.counters.log" 2>/dev/null && break
            sleep 0.1
        done
        cpu0=$(server_cpu_ticks); req0=$(server_requests)
        bench "$urls" 0 "$DURATION" >"$OUT/$tag.bench.txt" 2>&1 &
        bench_pid=$!
        wait "$trace_pid" || log "dotnet-trace exited $? (see $OUT/$tag.trace.log)"
        wait "$counters_pid" || log "dotnet-counters exited $? (see $OUT/$tag.counters.log)"
        # the window ends while the bench measures its own floor (the server idle), before its
        # paced 1000-URL phase: the deltas hold the IpsApi phase only
        cpu1=$(server_cpu_ticks); req1=$(server_requests)
        wait "$bench_pid" || { cat "$OUT/$tag.bench.txt" >&2; die "bench run failed"; }
        dotnet dotnet-trace convert --format Speedscope -o "$OUT/$tag" "$OUT/$tag.nettrace" >>"$OUT/$tag.trace.log" 2>&1 \
            || log "convert of $tag failed (see $OUT/$tag.trace.log)"
        reqs=$((req1 - req0))
        rps=$(awk '/^  median/ { for (i = 1; i <= NF; i++) if ($i == "req/s") { print $(i - 1); exit } }' "$OUT/$tag.bench.txt")
        python3 "$ROOT/scripts/profile-counters.py" "$OUT/$tag.counters.csv" "$reqs" "$((cpu1 - cpu0))" "$CLK_TCK" \
            | awk -v u="$urls" -v r="$run" -v rps="${rps:-?}" -v t="$tag" 'BEGIN { OFS = "\t" } { print u, r, $1, rps, $2, $3, $4, $5, $6, $7, $8, t }' >>"$SUMMARY"
        log "$(tail -n1 "$SUMMARY")"
    done
done

echo
column -t -s $'\t' "$SUMMARY"
echo
for f in "$OUT"/*.speedscope.json; do
    [[ -e $f ]] || continue
    python3 "$ROOT/scripts/profile-groups.py" "$f"
done | tee "$OUT/groups.txt"
