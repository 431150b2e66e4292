#!/usr/bin/env bash
# Manage a throwaway PostgreSQL cluster on loopback, for tests and benchmarks.
#
#   scripts/pg.sh start DIR [PORT]   init (if needed) and start a cluster in DIR;
#                                    prints the Npgsql connection string on stdout
#   scripts/pg.sh stop DIR           fast-stop the cluster in DIR (never fails)
#
# Layout of DIR: DIR/data (PGDATA), DIR/log (server log), DIR/.s.PGSQL.PORT (socket).
# Superuser: postgres / password postgres; TCP on 127.0.0.1 only (scram-sha-256),
# unix socket in DIR (trust). PORT defaults to 55432.
# PG_FAST=1: fsync, synchronous_commit and full_page_writes off (tests only;
# benchmarks should leave it unset so durability stays on).
#
# Progress goes to stderr; stdout carries only the connection string.
set -euo pipefail

PROG="pg.sh"
DEFAULT_PORT=55432
PG_USER=postgres
# caller's libpq settings must not leak into our own psql/pg_isready calls
unset PGSERVICE PGSSLMODE PGREQUIRESSL PGOPTIONS PGTARGETSESSIONATTRS PGPASSFILE PGGSSENCMODE

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
    cat >&2 <<EOF
usage: $0 start DIR [PORT]   start a throwaway cluster in DIR (default port $DEFAULT_PORT)
       $0 start-free DIR FIRST LAST
                              the same on the first free port from FIRST to LAST
       $0 stop DIR           stop the cluster in DIR (safe to call twice)
env:   PG_FAST=1             fsync/synchronous_commit/full_page_writes off (tests only)
EOF
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Absolute path without requiring existence (works from any cwd).
abspath() {
    local p=$1
    [[ $p == /* ]] || p="$PWD/$p"
    if command -v realpath >/dev/null 2>&1; then
        realpath -m -- "$p"
    else
        printf '%s\n' "$p"
    fi
}

# Newest /usr/lib/postgresql/<ver>/bin that has initdb (empty if none).
# (Deliberately not PATH: /usr/bin/psql etc. are Debian's pg_wrapper, and
# /usr/local/bin may hold ad-hoc links.)
find_bindir() {
    local d best="" bestver=-1 v
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] || continue
        v=${d#/usr/lib/postgresql/}; v=${v%/bin}
        # versions are "15", "16", or old-style "9.6"; compare as major*100+minor
        local maj=${v%%.*} min=0
        [[ $v == *.* ]] && min=${v#*.}
        [[ $maj =~ ^[0-9]+$ && $min =~ ^[0-9]+$ ]] || continue
        local n=$((maj * 100 + min))
        if (( n > bestver )); then bestver=$n; best=$d; fi
    done
    printf '%s' "$best"
}

# Bin dir for an existing data dir (its own major version), else the newest.
bindir_for_data() {
    local data=$1 ver
    if [[ -r $data/PG_VERSION ]]; then
        ver=$(<"$data/PG_VERSION")
        if [[ -x /usr/lib/postgresql/$ver/bin/pg_ctl ]]; then
            printf '%s' "/usr/lib/postgresql/$ver/bin"
            return
        fi
    fi
    find_bindir
}

ensure_binaries() {
    BIN=$(find_bindir)
    if [[ -z $BIN ]]; then
        is_root || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin and not root; install the 'postgresql' package"
        command -v apt-get >/dev/null 2>&1 || die "PostgreSQL server binaries not found and apt-get is unavailable; install PostgreSQL server manually"
        log "PostgreSQL server not found; installing the Debian 'postgresql' package (this may also start a system cluster on port 5432, which is not used)"
        {
            apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
        } >&2 || die "apt-get install postgresql failed"
        BIN=$(find_bindir)
        [[ -n $BIN ]] || die "installed 'postgresql' but still no /usr/lib/postgresql/*/bin/initdb"
    fi
}

ensure_pg_user() {
    is_root || return 0
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        log "creating system user '$PG_USER'"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_USER" \
            || die "could not create user '$PG_USER'"
    fi
    command -v runuser >/dev/null 2>&1 || die "'runuser' (util-linux) is required to run PostgreSQL as '$PG_USER'"
}

# Run a command as the cluster owner: 'postgres' when we are root (initdb and
# postgres refuse to run as root), otherwise as ourselves. cwd '/' avoids
# "could not change directory" warnings when cwd is unreadable to postgres.
as_pg() {
    if is_root; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

# true if something accepts TCP connections on 127.0.0.1:PORT (or ss sees a listener)
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        if ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
    fi
    if command -v timeout >/dev/null 2>&1; then
        timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && return 0
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    fi
    return 1
}

# true if PID is a live (non-zombie) process. A postmaster killed with -9 can linger
# as a zombie (e.g. when PID 1 does not reap orphans); pg_ctl would report it as
# running and then wait for it in vain on stop.
pid_alive() {
    local pid=$1 state
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/stat ]]; then
        state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)
        [[ $state != Z && $state != X ]] || return 1
    fi
    return 0
}

postmaster_pid() { head -n1 "$1/postmaster.pid" 2>/dev/null || true; }

# true if the cluster in DATA is running
is_running() {
    local bin=$1 data=$2
    [[ -f $data/postmaster.pid ]] || return 1
    pid_alive "$(postmaster_pid "$data")" || return 1
    as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# Quote a value for postgresql.conf ('...' with ' doubled)
conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

stop_cluster() {
    local dir=$1 data=$1/data bin
    [[ -d $data ]] || return 0
    bin=$(bindir_for_data "$data")
    if [[ -n $bin ]] && is_running "$bin" "$data"; then
        log "stopping cluster in $dir"
        as_pg "$bin/pg_ctl" -D "$data" -m fast -s -w -t 60 stop >&2 || true
    fi
    # Fallback if pg_ctl is gone or failed: SIGINT (= fast shutdown) the postmaster,
    # if that PID really is a postgres serving this data directory.
    if [[ -f $data/postmaster.pid ]]; then
        local pid i
        pid=$(postmaster_pid "$data")
        if pid_alive "$pid" && grep -qaF -- "$data" "/proc/$pid/cmdline" 2>/dev/null; then
            log "sending SIGINT to postmaster $pid"
            kill -INT "$pid" 2>/dev/null || true
            for ((i = 0; i < 60; i++)); do
                pid_alive "$pid" || break
                sleep 0.5
            done
            if pid_alive "$pid"; then
                log "postmaster $pid did not exit; sending SIGQUIT"
                kill -QUIT "$pid" 2>/dev/null || true
            fi
        fi
    fi
    return 0
}

cmd_start() {
    local dir port data bin pwfile i
    [[ $# -ge 1 && $# -le 2 && -n $1 ]] || { usage; exit 2; }
    dir=$(abspath "$1")
    port=${2:-$DEFAULT_PORT}
    if ! [[ $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
        die "invalid port '$port'"
    fi
    [[ $dir != / ]] || die "refusing to use / as DIR"
    data=$dir/data

    ensure_binaries
    ensure_pg_user

    # A cluster already running in DIR is stopped first (port/settings may change).
    stop_cluster "$dir"

    if port_in_use "$port"; then
        die "port $port is already in use on this machine; choose another PORT"
    fi

    [[ ! -e $dir || -d $dir ]] || die "$dir exists and is not a directory"
    mkdir -p -- "$dir"
    if is_root; then
        chown "$PG_USER:" "$dir"
        [[ ! -d $data ]] || chown -R "$PG_USER:" "$data"
    fi
    chmod 700 "$dir"
    as_pg test -w "$dir" -a -x "$dir" \
        || die "user '$PG_USER' cannot access $dir (every parent directory must be searchable by '$PG_USER', e.g. chmod o+x on the parents)"

    if [[ -f $data/PG_VERSION ]]; then
        bin=$(bindir_for_data "$data")
        local dver bver
        dver=$(<"$data/PG_VERSION")
        bver=${bin#/usr/lib/postgresql/}; bver=${bver%/bin}
        [[ $dver == "$bver" ]] \
            || die "$data was created by PostgreSQL $dver but only $bver binaries are available; remove $dir and retry"
        BIN=$bin
        log "reusing existing cluster in $data (PostgreSQL $dver)"
    else
        if [[ -d $data ]] && [[ -n $(ls -A "$data" 2>/dev/null) ]]; then
            die "$data exists, is not empty and is not a PostgreSQL data directory; remove it and retry"
        fi
        local locale=C
        if command -v locale >/dev/null 2>&1 && locale -a 2>/dev/null | grep -qix 'C.utf8'; then
            locale=C.UTF-8
        fi
        pwfile=$dir/.pwfile
        (umask 077; printf 'postgres\n' >"$pwfile")
        is_root && chown "$PG_USER:" "$pwfile"
        local nosync=()
        [[ ${PG_FAST:-0} == 1 ]] && nosync=(--no-sync)
        log "initdb $data ($BIN, locale $locale)"
        if ! as_pg "$BIN/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
                --auth-local=trust --auth-host=scram-sha-256 \
                --encoding=UTF8 --locale="$locale" "${nosync[@]}" >"$dir/initdb.log" 2>&1; then
            rm -f -- "$pwfile"
            cat "$dir/initdb.log" >&2 || true
            die "initdb failed (output above, also in $dir/initdb.log)"
        fi
        rm -f -- "$pwfile"
    fi

    # Our settings live in an included file that is rewritten on every start,
    # so PORT and PG_FAST changes take effect when reusing DIR.
    local inc=$data/pg_sh.conf
    if ! grep -q "^include_if_exists = 'pg_sh.conf'" "$data/postgresql.conf"; then
        printf "\n# added by scripts/pg.sh\ninclude_if_exists = 'pg_sh.conf'\n" >>"$data/postgresql.conf"
    fi
    {
        echo "# written by scripts/pg.sh on every start; do not edit"
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = $(conf_quote "$dir")"
        echo "max_connections = 200"
        echo "shared_buffers = 256MB"
        echo "password_encryption = 'scram-sha-256'"
        if [[ ${PG_FAST:-0} == 1 ]]; then
            echo "# PG_FAST=1: no durability (tests only)"
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        else
            echo "fsync = on"
            echo "synchronous_commit = on"
            echo "full_page_writes = on"
        fi
    } >"$inc"
    is_root && chown "$PG_USER:" "$inc" "$data/postgresql.conf"

    # Lock files left by a killed server whose PID is dead or a zombie: remove them;
    # postgres itself refuses to start while a zombie holds the PID.
    local lock
    for lock in "$data/postmaster.pid" "$dir"/.s.PGSQL.*.lock; do
        [[ -f $lock ]] || continue
        if ! pid_alive "$(head -n1 "$lock" 2>/dev/null || true)"; then
            log "removing stale $lock"
            rm -f -- "$lock"
            [[ $lock == *.lock ]] && rm -f -- "${lock%.lock}"
        fi
    done

    # log file must be writable by the server owner
    touch "$dir/log"
    is_root && chown "$PG_USER:" "$dir/log"

    log "starting PostgreSQL on 127.0.0.1:$port (PG_FAST=${PG_FAST:-0})"
    if ! as_pg "$BIN/pg_ctl" -D "$data" -l "$dir/log" -s -w -t 60 start >&2; then
        log "last lines of $dir/log:"
        tail -n 20 "$dir/log" >&2 || true
        die "pg_ctl start failed"
    fi

    local ready=0
    for ((i = 0; i < 60; i++)); do
        if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then ready=1; break; fi
        sleep 0.5
    done
    if [[ $ready != 1 ]]; then
        tail -n 20 "$dir/log" >&2 || true
        die "server started but pg_isready -h 127.0.0.1 -p $port never succeeded"
    fi

    # Idempotently (re)set the password via the trusted socket, then prove TCP+scram works.
    as_pg "$BIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "ALTER ROLE postgres WITH PASSWORD 'postgres'" >&2 \
        || die "could not set the postgres password"
    PGPASSWORD=postgres PGCONNECT_TIMEOUT=10 "$BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c 'select 1' >/dev/null \
        || die "password login over 127.0.0.1:$port failed"

    log "ready: $("$BIN/postgres" --version), data $data, log $dir/log"
    printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=postgres\n' "$port"
}

cmd_stop() {
    [[ $# -eq 1 && -n $1 ]] || { usage; exit 2; }
    local dir
    dir=$(abspath "$1")
    # never fail the caller
    ( set +e; stop_cluster "$dir" ) || true
    return 0
}

# Starts the cluster on the first port of FIRST..LAST that is free, also when another process
# takes a port between the check and the start; prints the connection string like start.
cmd_start_free() {
    [[ $# -eq 3 && -n $1 && $2 =~ ^[0-9]+$ && $3 =~ ^[0-9]+$ ]] || { usage; exit 2; }
    local dir=$1 first=$2 last=$3 port conn
    for ((port = first; port <= last; port++)); do
        if port_in_use "$port"; then
            log "port $port is taken, trying the next one"
            continue
        fi
        if conn=$(cmd_start "$dir" "$port"); then
            printf '%s\n' "$conn"
            return 0
        fi
        # Another server may have taken the port after the check, and be gone again by now (a test that restarts
        # its own cluster): the server's log says so either way.
        if port_in_use "$port" || grep -q 'Address already in use' "$dir/log" 2>/dev/null; then
            cmd_stop "$dir" >/dev/null 2>&1 || true
            : >"$dir/log"
            log "port $port was taken meanwhile, trying the next one"
            continue
        fi
        die "could not start PostgreSQL (see messages above)"
    done
    die "no free port in $first..$last for PostgreSQL"
}

main() {
    [[ $# -ge 1 ]] || { usage; exit 2; }
    local cmd=$1; shift
    case $cmd in
        start) cmd_start "$@" ;;
        start-free) cmd_start_free "$@" ;;
        stop) cmd_stop "$@" ;;
        -h|--help|help) usage ;;
        *) usage; exit 2 ;;
    esac
}

main "$@"
