# A throwaway PostgreSQL cluster for tests, sourced by scripts/test and scripts/outage-test.
#
# pg_cluster_start finds (or, as root on Debian, installs) the server binaries, creates a cluster in
# a temporary folder owned by a non-root user (PostgreSQL refuses to run as root: the `postgres` OS
# user then) and starts it on a free loopback port. It sets PG_BINDIR, PG_CLUSTER, PG_PORT and
# PG_URL. pg_server_stop and pg_server_start stop and start that server again on the same port;
# pg_cluster_remove stops it for good and deletes the folder (call it from an EXIT trap).
# The sourcing script defines `say` and `die`.

pg_find_bindir() {
    local dir
    for dir in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# Runs a command as the cluster's owner.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_cluster_start() {
    PG_BINDIR=$(pg_find_bindir || true)
    if [ -z "$PG_BINDIR" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing the PostgreSQL server (apt-get install postgresql)"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            PG_BINDIR=$(pg_find_bindir) || die "postgresql was installed but initdb is still missing"
        else
            die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL (Debian: apt-get install postgresql) or set PG_BINDIR"
        fi
    fi
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    PG_CLUSTER=$(mktemp -d "${TMPDIR:-/tmp}/cus-api-pg.XXXXXX")
    mkdir -p "$PG_CLUSTER/socket"
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$PG_CLUSTER"; fi
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    say "starting a throwaway PostgreSQL cluster ($PG_BINDIR) on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BINDIR/initdb" -D "$PG_CLUSTER/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
        >"$PG_CLUSTER/initdb.log" 2>&1 || { cat "$PG_CLUSTER/initdb.log" >&2; die "initdb failed"; }
    pg_server_start
}

# Tests trade durability for speed; the benchmark sets its own, durable, options.
: "${PG_SERVER_OPTIONS:=-c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off}"

pg_server_start() {
    as_pg "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER/data" -l "$PG_CLUSTER/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_CLUSTER/socket $PG_SERVER_OPTIONS" >/dev/null \
        || { cat "$PG_CLUSTER/server.log" >&2; die "the PostgreSQL server did not start"; }
}

# Stops the server the way an administrator would: sessions are terminated, clients see errors.
pg_server_stop() {
    as_pg "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER/data" -m fast -w -t 60 stop >/dev/null
}

pg_cluster_remove() {
    if [ -n "${PG_CLUSTER:-}" ]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_CLUSTER"
    fi
}
