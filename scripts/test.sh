#!/usr/bin/env bash
# Runs every test: formatting, clippy, unit tests, API tests on SQLite and on
# a throwaway PostgreSQL server, the release app build with its size report,
# and the browser tests in Debian's Chromium. Installs what is missing first.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
ensure_apt chromium fonts-noto-cjk postgresql python3 nginx openssl
SCHEMATHESIS_VERSION="4.32.5"
if ! command -v st >/dev/null 2>&1 || ! st --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (API fuzzing) from PyPI"
  python3 -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
MOTO_VERSION="5.2.1"
if ! python3 -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  say "installing moto $MOTO_VERSION (the S3 stand-in for the photo store) from PyPI"
  python3 -m pip install -q "moto[server]==$MOTO_VERSION"
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

say "photo store on S3: moto's server mode as the bucket"
s3_port="$(free_port)"
python3 -m moto.server -H 127.0.0.1 -p "$s3_port" >/tmp/linli-moto.log 2>&1 &
s3_server=$!
trap 'kill "$s3_server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$s3_port/" && break
  sleep 0.2
done
LINLI_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port" \
  cargo test -p server --test api photos::photos_go_to_an_s3_bucket -- --ignored --exact
kill "$s3_server" 2>/dev/null || true
wait "$s3_server" 2>/dev/null || true
trap - EXIT

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

say "deployment files: systemd-analyze verify deploy/linli.service, nginx -t deploy/nginx-linli.conf"
scripts/check-deploy.sh "$TARGET_DIR/debug/linli-server"

say "API fuzzing (schemathesis against the OpenAPI document): no 5xx, every answer as documented"
fuzz_data="$(mktemp -d /tmp/linli-fuzz.XXXXXX)"
fuzz_port="$(free_port)"
fuzz_base="http://127.0.0.1:$fuzz_port"
# The flood guard raised: fuzzing should reach every route's own rules.
LINLI_ADDR="127.0.0.1:$fuzz_port" LINLI_DATA_DIR="$fuzz_data" LINLI_DEMO_DATA=1 RUST_LOG=error \
  LINLI_WRITE_LIMIT_PER_MINUTE=1000000 \
  "$TARGET_DIR/debug/linli-server" &
fuzz_server=$!
# One EXIT trap: it also stops the PostgreSQL server start_postgres began.
trap 'kill "$fuzz_server" 2>/dev/null || true; wait "$fuzz_server" 2>/dev/null || true; rm -rf "$fuzz_data"; stop_postgres' EXIT
for _ in $(seq 50); do
  curl -sf "$fuzz_base/api/health" >/dev/null && break
  sleep 0.2
done

# A session of the demo person at PHONE, signed in through the real code
# flow (the development sender writes codes to the data directory).
fuzz_session() {
  curl -sf -H "Origin: $fuzz_base" -H 'Content-Type: application/json' \
    -d "{\"phone\":\"$1\"}" "$fuzz_base/api/v1/sign-in-codes" >/dev/null
  local code
  code="$(python3 -c 'import json,sys
codes=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print([c["code"] for c in codes if c.get("phone")==sys.argv[2] and c.get("code")][-1])' \
    "$fuzz_data/sms-outbox.jsonl" "$1")"
  curl -sf -o /dev/null -c - -H "Origin: $fuzz_base" -H 'Content-Type: application/json' \
    -d "{\"phone\":\"$1\",\"code\":\"$code\"}" "$fuzz_base/api/v1/sessions" |
    awk '$6 == "linli_session" { print $7 }'
}

# As a stranger, then as a verified resident (王淑贞, 海景花园) and as the
# station head (王秀英), each following the links between operations
# (stateful phase). Signing out or deleting the account would end the
# session the run acts with; they are fuzzed anonymously only.
fuzz() {
  st run "$fuzz_base/api/v1/openapi.json" --url "$fuzz_base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful --max-examples 40 --seed 1 --no-color "$@"
}
fuzz_status=0
say "fuzzing as a stranger"
fuzz || fuzz_status=$?
for who in 13800000046 13800000002; do
  session="$(fuzz_session "$who")" && [ -n "$session" ] ||
    { echo "could not sign $who in for fuzzing"; exit 1; }
  say "fuzzing as $who"
  fuzz -H "Cookie: linli_session=$session" -H "Origin: $fuzz_base" \
    --exclude-name 'DELETE /api/v1/me' --exclude-name 'DELETE /api/v1/sessions' \
    --exclude-name 'DELETE /api/v1/sessions/current' || fuzz_status=$?
done
exit "$fuzz_status"
