# The stack scripts/bench.sh and scripts/profile.sh measure, in one place: sourced by them (not run), after they
# define ROOT, log and die. It builds the server and the benchmark in Release, starts a throwaway PostgreSQL with
# durability ON on a free loopback port, migrates it and adds the company Bench and the IpsAdmin bench@bench.test,
# and starts `ipsapi serve` on a free loopback port. The caller's EXIT trap calls stack_stop_server,
# stack_keep_logs and stack_remove.
# shellcheck shell=bash

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

# The tools the stack needs, quiet .NET, and a temp dir named after the caller ($1): WORK, PGDIR, SERVER_LOG.
stack_init() {
    command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH"
    command -v curl >/dev/null 2>&1 || die "curl is needed to wait for the server's /healthz"
    export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
    export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
    # no MSBuild worker nodes lingering after the run
    export MSBUILDDISABLENODEREUSE=${MSBUILDDISABLENODEREUSE:-1}
    # durability stays on: never inherit the tests' switch
    unset PG_FAST
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipsapi-$1.XXXXXX")
    # pg.sh runs the server as 'postgres' when we are root; it must be able to reach $WORK/pg
    chmod 711 "$WORK"
    PGDIR=$WORK/pg
    SERVER_LOG=$WORK/server.log
    SERVER_PID=""
}

# Stops the server (TERM, then KILL after 10 s), if it runs.
stack_stop_server() {
    if [[ -n ${SERVER_PID:-} ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
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
}

# Copies the server's and PostgreSQL's logs to $1/$2 and $1/$3.
stack_keep_logs() {
    local dir=$1 server_name=$2 pg_name=$3
    if [[ -s ${SERVER_LOG:-} ]] && mkdir -p "$dir" && cp -- "$SERVER_LOG" "$dir/$server_name"; then
        log "server log copied to $dir/$server_name ($(wc -l <"$SERVER_LOG") lines)"
    fi
    if [[ -s ${PGDIR:-}/log ]] && mkdir -p "$dir" && cp -- "$PGDIR/log" "$dir/$pg_name"; then
        log "PostgreSQL log copied to $dir/$pg_name"
    fi
}

# Stops PostgreSQL and removes the temp dir.
stack_remove() {
    [[ -n ${PGDIR:-} ]] && { "$ROOT/scripts/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
    [[ -n ${WORK:-} ]] && { rm -rf -- "$WORK" || true; }
}

# Builds only the server and the benchmark, so that a half-written test elsewhere cannot break a measurement.
stack_build() {
    local build_log=$WORK/build.log project
    for project in src/IpsApi.Server bench/IpsApi.Bench; do
        log "dotnet build -c Release $project"
        if ! dotnet build -c Release -nologo "$project" >>"$build_log" 2>&1; then
            grep -E 'error|Error' "$build_log" | sort -u >&2 || tail -n 40 "$build_log" >&2
            die "build of $project failed"
        fi
    done
    [[ -x $IPSAPI ]] || die "$IPSAPI missing after the build"
    [[ -f $BENCH_DLL ]] || die "$BENCH_DLL missing after the build"
}

port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1 && ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then
        return 0
    fi
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

# A loopback port from $1 to $2 that is free and not handed out before by this function.
free_port() {
    local first=$1 last=$2 p
    for ((p = first; p <= last; p++)); do
        if ! port_in_use "$p" && [[ " ${TAKEN:-} " != *" $p "* ]]; then TAKEN="${TAKEN:-} $p"; echo "$p"; return 0; fi
    done
    return 1
}

# PostgreSQL with durability ON: PG_PID, PG_VERSION_TEXT, and the server's store settings exported.
stack_postgres() {
    local conn port psql
    conn=$("$ROOT/scripts/pg.sh" start-free "$PGDIR" "$PG_PORT_FIRST" "$PG_PORT_LAST")
    port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$conn")
    PG_PID=$(head -n1 "$PGDIR/data/postmaster.pid")
    psql=/usr/lib/postgresql/$(<"$PGDIR/data/PG_VERSION")/bin/psql
    PG_VERSION_TEXT=$(PGPASSWORD=postgres "$psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "select current_setting('server_version') || ' (fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes') || ')'" 2>/dev/null || echo "?")
    log "PostgreSQL $PG_VERSION_TEXT on 127.0.0.1:$port (postmaster $PG_PID), data in $PGDIR"
    # The server and its admin commands use the cluster's 'postgres' database.
    export Database__Provider=Postgres
    export ConnectionStrings__IpsApi=$conn
}

# The schema, the company Bench (its handle in COMPANY) and the IpsAdmin bench@bench.test.
stack_seed() {
    local company_out
    # (on an empty database EF Core logs its probe of the missing history table as an error; keep that out of the way)
    if ! "$IPSAPI" migrate >"$WORK/migrate.log" 2>&1; then
        cat "$WORK/migrate.log" >&2
        die "ipsapi migrate failed"
    fi
    log "$(tail -n1 "$WORK/migrate.log")"
    company_out=$("$IPSAPI" company add --name Bench --root "$BENCH_ROOT" --publish-host "$BENCH_HOST") \
        || die "ipsapi company add failed"
    COMPANY=$(printf '%s\n' "$company_out" | tail -n1)
    [[ $COMPANY =~ ^c\|[0-9]+$ ]] || die "ipsapi company add printed no handle: $company_out"
    printf '%s\n' "$BENCH_PASSWORD" | "$IPSAPI" user add --email "$BENCH_EMAIL" --role IpsAdmin --password-stdin >/dev/null \
        || die "ipsapi user add failed"
    log "company $COMPANY (root $BENCH_ROOT, publish host $BENCH_HOST), user $BENCH_EMAIL"
}

# `ipsapi serve` with the arguments given, on a free loopback port (BASE, SERVER_PID), once its /healthz answers ok.
stack_serve() {
    local port ready=0 i
    port=$(free_port "$SERVER_PORT_FIRST" "$SERVER_PORT_LAST") || die "no free port in $SERVER_PORT_FIRST..$SERVER_PORT_LAST for the server"
    BASE=http://127.0.0.1:$port
    "$IPSAPI" serve --urls "$BASE" "$@" >"$SERVER_LOG" 2>&1 </dev/null &
    SERVER_PID=$!
    log "ipsapi serve --urls $BASE (PID $SERVER_PID), log $SERVER_LOG"
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
}
