# A throwaway PostgreSQL cluster on a free loopback port (sourced, not run).
#
#   pg_start    finds (or, as root on Debian, installs) the server binaries, starts a cluster in a
#               temporary folder and sets PG_URL to its `postgres` database
#   pg_stop     stops the cluster and removes its folder; safe to call twice
#
# PostgreSQL refuses to run as root: the cluster then belongs to the `postgres` OS user. It is
# tuned for tests (no fsync): its data does not survive a crash of the machine, only of its clients.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pg_cluster=""

find_pg_bindir() {
    local dir
    for dir in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local bindir port
    bindir=$(find_pg_bindir || true)
    if [ -z "$bindir" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing the PostgreSQL server (apt-get install postgresql)"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bindir=$(find_pg_bindir) || die "postgresql was installed but initdb is still missing"
        else
            die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL (Debian: apt-get install postgresql) or set PG_BINDIR"
        fi
    fi
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    pg_cluster=$(mktemp -d "${TMPDIR:-/tmp}/cus-api-pg.XXXXXX")
    PG_BIN=$bindir
    mkdir -p "$pg_cluster/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$pg_cluster"
    port=$(free_port)
    say "starting a throwaway PostgreSQL cluster ($bindir) on 127.0.0.1:$port"
    as_pg "$bindir/initdb" -D "$pg_cluster/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$pg_cluster/initdb.log" 2>&1 \
        || { cat "$pg_cluster/initdb.log" >&2; die "initdb failed"; }
    as_pg "$bindir/pg_ctl" -D "$pg_cluster/data" -l "$pg_cluster/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_cluster/socket -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
        || { cat "$pg_cluster/server.log" >&2; die "the PostgreSQL server did not start"; }
    PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

pg_stop() {
    [ -n "$pg_cluster" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$pg_cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_cluster"
    pg_cluster=""
}
