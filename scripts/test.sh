#!/usr/bin/env bash
# Runs every test: formatting, clippy, unit tests, API tests on SQLite and on
# a throwaway PostgreSQL server, the release app build with its size report,
# and the browser tests in Debian's Chromium. Installs what is missing first.
source "$(dirname "$0")/lib.sh"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A PostgreSQL server on a loopback port with a throwaway data directory,
# stopped when this script exits.
start_postgres() {
  local bin as_postgres=()
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PG_DIR="$(mktemp -d /tmp/linli-pg.XXXXXX)"
  PG_PORT="$(free_port)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as_postgres=(runuser -u postgres --)
  fi
  "${as_postgres[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap 'stop_postgres' EXIT
  STOP_PG=("${as_postgres[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
}

stop_postgres() {
  "${STOP_PG[@]}" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

ensure_build_tools
ensure_apt chromium fonts-noto-cjk postgresql python3
say "installing the browser-test packages (npm ci)"
(cd e2e && npm ci --no-audit --no-fund >/dev/null)

say "formatting"
cargo fmt --all --check

say "clippy (native and wasm)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --target wasm32-unknown-unknown -- -D warnings

say "unit tests and API tests on SQLite"
cargo test --workspace

say "API tests on PostgreSQL"
start_postgres
LINLI_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" cargo test -p server --test api

build_app

say "size report"
scripts/size-report.sh

say "browser tests (Chromium, 390x844, WeChat user agent)"
cargo build -p server
(cd e2e && LINLI_SERVER_BIN="$TARGET_DIR/debug/linli-server" LINLI_E2E_PORT="$(free_port)" npx playwright test)
