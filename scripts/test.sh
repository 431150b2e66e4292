#!/usr/bin/env bash
# The test command of the project:  ./scripts/test.sh [extra dotnet test args]
#
# - installs what is missing, in one apt-get run: xmllint (libxml2-utils); varnishd (varnish);
#   the SOAP toolkits the tests drive as clients: zeep and suds for /usr/bin/python3 (python3-zeep,
#   python3-suds), PHP's SoapClient (php-cli php-soap), Perl's SOAP::Lite (libsoap-lite-perl),
#   JAX-WS's wsimport with javac/java 17 (jaxws openjdk-17-jdk-headless); the SMTP server the mail
#   tests send to (python3-aiosmtpd); npm (npm), and with it @redocly/cli (pinned) in .tools/redocly, the
#   OpenAPI linter the JSON API's document is checked with (exported as IPSAPI_TEST_REDOCLY); the browser
#   the console tests drive through Playwright (chromium, used as /usr/bin/chromium: no browser is
#   downloaded); PostgreSQL via scripts/pg.sh,
# - starts a throwaway PostgreSQL (PG_FAST=1) on a free loopback port in a temp dir,
#   exported to the tests as IPSAPI_TEST_POSTGRES (Npgsql connection string),
# - runs `dotnet test IpsApi.sln -c Release` (+ "$@"), logging to the temp dir,
# - stops PostgreSQL and removes the temp dir on exit (also on failure / Ctrl-C),
# - ends with one line: `tests: N passed, M failed[, K skipped]`, exit code = dotnet test's.
#
# IPSAPI_TEST_SOLUTION=path overrides the solution (default IpsApi.sln, else IpsApi.slnx).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SOLUTION=${IPSAPI_TEST_SOLUTION:-IpsApi.sln}
if [[ -z ${IPSAPI_TEST_SOLUTION:-} && ! -e $SOLUTION && -e IpsApi.slnx ]]; then
    SOLUTION=IpsApi.slnx
fi
PG_PORT_FIRST=55432
PG_PORT_LAST=55482

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }

apt_install() {
    local pkgs="$*"
    command -v apt-get >/dev/null 2>&1 || die "'$pkgs' is needed but apt-get is unavailable; install it manually"
    local sudo=()
    if ! is_root; then
        command -v sudo >/dev/null 2>&1 || die "'$pkgs' is needed; run as root or install it manually"
        sudo=(sudo -n)
    fi
    log "installing $pkgs"
    {
        "${sudo[@]}" apt-get update -qq &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    } >&2 || die "apt-get install $pkgs failed"
}

# What the tests run, each as: a check that succeeds when it is present, and the Debian packages providing it.
has_xmllint() { command -v xmllint; }
has_varnishd() { [[ -x /usr/sbin/varnishd ]] || command -v varnishd; }
has_zeep() { /usr/bin/python3 -c 'import zeep'; }
has_suds() { /usr/bin/python3 -c 'import suds.client'; }
has_php_soap() { command -v php && php -r 'exit(class_exists("SoapClient") ? 0 : 1);'; }
has_soap_lite() { /usr/bin/perl -MSOAP::Lite -e 1; }
has_jdk() { command -v javac && command -v java; }
has_wsimport() { command -v wsimport && [[ -r /usr/share/java/jaxws-rt.jar ]]; }
has_aiosmtpd() { /usr/bin/python3 -c 'import aiosmtpd.controller'; }
has_chromium() { [[ -x /usr/bin/chromium ]]; }
has_npm() { command -v npm && command -v node; }
REQUIREMENTS=(
    "has_xmllint libxml2-utils"
    "has_varnishd varnish"
    "has_zeep python3-zeep"
    "has_suds python3-suds"
    "has_php_soap php-cli php-soap"
    "has_soap_lite libsoap-lite-perl"
    "has_jdk openjdk-17-jdk-headless"
    "has_wsimport jaxws"
    "has_aiosmtpd python3-aiosmtpd"
    "has_chromium chromium"
    "has_npm npm"
)

# The OpenAPI linter, pinned, installed by npm into the work tree (not globally).
REDOCLY_VERSION=2.77.0
REDOCLY_DIR=$ROOT/.tools/redocly
install_redocly() {
    local bin=$REDOCLY_DIR/node_modules/.bin/redocly
    if [[ ! -x $bin || $(cat "$REDOCLY_DIR/.version" 2>/dev/null) != "$REDOCLY_VERSION" ]]; then
        log "installing @redocly/cli@$REDOCLY_VERSION into $REDOCLY_DIR"
        mkdir -p "$REDOCLY_DIR"
        npm install --prefix "$REDOCLY_DIR" --no-audit --no-fund --silent "@redocly/cli@$REDOCLY_VERSION" >&2 ||
            die "npm install @redocly/cli@$REDOCLY_VERSION failed"
        echo "$REDOCLY_VERSION" >"$REDOCLY_DIR/.version"
    fi
    export IPSAPI_TEST_REDOCLY=$bin
    export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
}

install_missing() {
    local requirement check pkgs more missing=()
    for requirement in "${REQUIREMENTS[@]}"; do
        read -r check pkgs <<<"$requirement"
        "$check" >/dev/null 2>&1 && continue
        read -r -a more <<<"$pkgs"
        missing+=("${more[@]}")
    done
    (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"
    for requirement in "${REQUIREMENTS[@]}"; do
        read -r check pkgs <<<"$requirement"
        "$check" >/dev/null 2>&1 || die "${check#has_} still missing after installing $pkgs"
    done
}

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH"
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
# no MSBuild worker nodes lingering after the run (they could hold the output pipe open)
export MSBUILDDISABLENODEREUSE=${MSBUILDDISABLENODEREUSE:-1}
install_missing
install_redocly

[[ -e $SOLUTION ]] || die "$ROOT/$SOLUTION not found"

# ---------------------------------------------------------------- temp dir + cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipsapi-test.XXXXXX")
# pg.sh runs the server as 'postgres' when we are root; it must be able to reach $WORK/pg
chmod 711 "$WORK"
PGDIR=$WORK/pg
LOG=$WORK/dotnet-test.log

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    "$ROOT/scripts/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true
    rm -rf -- "$WORK" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- PostgreSQL
CONN=$(PG_FAST=1 "$ROOT/scripts/pg.sh" start-free "$PGDIR" "$PG_PORT_FIRST" "$PG_PORT_LAST")
export IPSAPI_TEST_POSTGRES=$CONN
log "IPSAPI_TEST_POSTGRES=$IPSAPI_TEST_POSTGRES"

# ---------------------------------------------------------------- dotnet test
log "dotnet test $SOLUTION -c Release $*"
set +e
dotnet test "$SOLUTION" -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

# ---------------------------------------------------------------- summary
# With --logger "console;verbosity=normal" VSTest ends each test assembly's run with
#   Total tests: 42
#        Passed: 40
#        Failed: 1
#       Skipped: 1
#    Total time: 3.1 Seconds
# (a count line is omitted when it is 0). At minimal verbosity it prints instead
#   Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 3 s - IpsApi.Tests.dll (net10.0)
#   Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 3 s - IpsApi.Tests.dll (net10.0)
# Both shapes are summed over all assemblies; if both occur, the block form is used
# (so the same assembly is never counted twice). Count lines are only taken between
# "Total tests:" and "Total time:" (other output may interleave when assemblies run
# in parallel, so other lines do not end a block).
read -r found passed failed skipped < <(
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$LOG" |
    awk '
    function num(re,   s) {
        if (match($0, re)) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); return s + 0 }
        return 0
    }
    # one-line form
    /(Passed|Failed)! +- +Failed: *[0-9]+, *Passed: *[0-9]+, *Skipped: *[0-9]+/ {
        ln++; lp += num("Passed: *[0-9]+"); lf += num("Failed: *[0-9]+"); lk += num("Skipped: *[0-9]+")
        next
    }
    # block form
    /^[ \t]*Total tests: / { bn++; inblock = 1; next }
    inblock && /^[ \t]*Passed: *[0-9]+[ \t]*$/  { bp += num("[0-9]+"); next }
    inblock && /^[ \t]*Failed: *[0-9]+[ \t]*$/  { bf += num("[0-9]+"); next }
    inblock && /^[ \t]*Skipped: *[0-9]+[ \t]*$/ { bk += num("[0-9]+"); next }
    /^[ \t]*Total time:/ { inblock = 0; next }
    END {
        if (bn > 0) printf "%d %d %d %d\n", bn, bp, bf, bk
        else        printf "%d %d %d %d\n", ln, lp, lf, lk
    }'
)

summary="tests: $passed passed, $failed failed"
(( skipped > 0 )) && summary+=", $skipped skipped"

if (( found == 0 )); then
    if (( rc == 0 )) || grep -qE 'No test matches the given testcase filter|No test is available' "$LOG"; then
        log "no test ran"
    else
        log "no test summary in the dotnet test output (exit code $rc; build failure?)"
    fi
    echo "tests: 0 passed, 0 failed"
    (( rc != 0 )) || rc=1
    exit "$rc"
fi
if (( passed + failed == 0 )); then
    log "no test ran"
    echo "$summary"
    (( rc != 0 )) || rc=1
    exit "$rc"
fi
if (( rc != 0 && failed == 0 )); then
    log "dotnet test exited with code $rc although no test failed (build error in some project?)"
fi
echo "$summary"
if (( failed > 0 && rc == 0 )); then
    rc=1
fi
exit "$rc"
