# The release binary of cus-api as a black box on the loopback interface (sourced, not run).
#
#   server_build                 builds it (CARGO_TARGET_DIR is honoured) and sets CUS_API
#   server_start URL LOG         serves the database URL on a free port, waits until ready, sets
#                                SERVER_URL and SERVER_PID; the log goes to LOG
#   server_stop                  stops it (SIGTERM, SIGKILL after 5 seconds); safe to call twice
#   server_kill                  kill -9, as a crash would (unless the caller already did it), and
#                                waits until the process is gone
#   cli URL ARGS...              runs the binary's own command line against the database URL

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SERVER_PID=""

server_build() {
    say "building the release binary"
    cargo build --release --locked --quiet
    CUS_API="${CARGO_TARGET_DIR:-target}/release/cus-api"
    [ -x "$CUS_API" ] || die "no binary at $CUS_API"
}

cli() {
    local url=$1
    shift
    DATABASE_URL="$url" RUST_LOG=warn "$CUS_API" "$@"
}

server_start() {
    local url=$1 log=$2 port
    port=$(free_port)
    DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn,access=info}" \
        "$CUS_API" serve >>"$log" 2>&1 &
    SERVER_PID=$!
    # Not a job of this shell: a kill -9 is then no "Killed" notice in the output.
    disown "$SERVER_PID"
    SERVER_URL="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
            "$SERVER_URL/health/ready" 2>/dev/null; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$log" >&2; die "cus-api exited at start-up"; }
        sleep 0.1
    done
    tail -n 20 "$log" >&2
    die "cus-api was not ready after 10 seconds"
}

server_stop() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    server_gone || server_kill
    SERVER_PID=""
}

server_kill() {
    kill -9 "$SERVER_PID" 2>/dev/null || true
    server_gone || die "cus-api (pid $SERVER_PID) survived kill -9"
    SERVER_PID=""
}

# Waits up to 5 seconds for the server's process to end.
server_gone() {
    for _ in $(seq 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
