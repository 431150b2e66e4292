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

log() { printf 'profile.sh: %s\n' "$*" >&2; }
die() { printf 'profile.sh: error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/bench-stack.sh
. "$ROOT/scripts/bench-stack.sh"
OUT=$ARTIFACTS/profile

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

# ---------------------------------------------------------------- temp dir + cleanup
stack_init profile

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    stack_stop_server
    stack_keep_logs "$OUT" server.log postgres.log
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

# ---------------------------------------------------------------- server
stack_serve --no-workers

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
