#!/usr/bin/env bash
# Runs every test: formatting, clippy, unit tests, API tests on SQLite and on
# a throwaway PostgreSQL server, the release app build with its size report,
# and the browser tests in Debian's Chromium. Installs what is missing first.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
ensure_apt chromium fonts-noto-cjk postgresql python3
SCHEMATHESIS_VERSION="4.32.5"
if ! command -v st >/dev/null 2>&1 || ! st --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (API fuzzing) from PyPI"
  python3 -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
say "installing the browser-test packages (npm ci)"
(cd e2e && npm ci --no-audit --no-fund >/dev/null)

say "formatting"
cargo fmt --all --check

say "clippy (native and wasm)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --target wasm32-unknown-unknown -- -D warnings

say "unit tests and API tests on SQLite"
cargo test --workspace

say "crash test: keyed filings while the server is killed with SIGKILL and restarted"
cargo test -p server --test crash -- --ignored --nocapture

say "API tests on PostgreSQL"
start_postgres
LINLI_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" cargo test -p server --test api

build_app

say "size report"
scripts/size-report.sh

say "browser tests (Chromium, 390x844, WeChat user agent)"
cargo build -p server
(cd e2e && LINLI_SERVER_BIN="$TARGET_DIR/debug/linli-server" LINLI_E2E_PORT="$(free_port)" npx playwright test)

say "API fuzzing (schemathesis against the OpenAPI document): no 5xx, every answer as documented"
fuzz_data="$(mktemp -d /tmp/linli-fuzz.XXXXXX)"
fuzz_port="$(free_port)"
LINLI_ADDR="127.0.0.1:$fuzz_port" LINLI_DATA_DIR="$fuzz_data" LINLI_DEMO_DATA=1 RUST_LOG=error \
  "$TARGET_DIR/debug/linli-server" &
fuzz_server=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$fuzz_port/api/health" >/dev/null && break
  sleep 0.2
done
fuzz_status=0
st run "http://127.0.0.1:$fuzz_port/api/v1/openapi.json" --url "http://127.0.0.1:$fuzz_port" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful --max-examples 40 --seed 1 --no-color || fuzz_status=$?
kill "$fuzz_server"; wait "$fuzz_server" 2>/dev/null || true
rm -rf "$fuzz_data"
exit "$fuzz_status"
