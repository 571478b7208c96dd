#!/usr/bin/env bash
# Measures API latency under load: the release server on a throwaway SQLite
# database holding a street-sized year (50 stations, 20,000 affairs with
# their timelines and ratings: server/examples/street_year.rs), loaded by
# wrk from this machine over loopback for 10 s per request (2 threads, 16
# connections). Prints wrk's percentiles and throughput.
source "$(dirname "$0")/lib.sh"

ensure_apt wrk python3
cargo build --release -p server --bin linli-server --example street_year
data="$(mktemp -d /tmp/linli-bench.XXXXXX)"
url="sqlite://$data/linli.db?mode=rwc"
say "Filling the database with a street-sized year"
start=$(date +%s)
read -r token compound affair category community staff < <("$TARGET_DIR/release/examples/street_year" "$url")
say "Filled in $(( $(date +%s) - start )) s"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LINLI_ADDR="127.0.0.1:$port" DATABASE_URL="$url" LINLI_DATA_DIR="$data" LINLI_ALLOW_OUTBOX=1 LINLI_WRITE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn \
  "$TARGET_DIR/release/linli-server" &
server=$!
trap 'kill $server; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
month="$(TZ=Asia/Shanghai date +%Y-%m)"
base="http://127.0.0.1:$port"
cookie="cookie: linli_session=$token"
run() {
  say "$1"
  shift
  wrk -t2 -c16 -d10s --latency "$@" | grep -E "Latency|50%|90%|99%|Requests/sec"
}
run "GET /api/health" "$base/api/health"
run "GET /api/v1/compounds/1" "$base/api/v1/compounds/1"
run "list: GET /api/v1/affairs?compound_id=$compound" "$base/api/v1/affairs?compound_id=$compound"
run "detail: GET /api/v1/affairs/$affair (as a handler: with the timeline)" -H "$cookie" "$base/api/v1/affairs/$affair"
run "queue: GET /api/v1/affair-queue" -H "$cookie" "$base/api/v1/affair-queue"
run "metrics: station, $month" "$base/api/v1/affair-metrics?scope=station&place_id=$compound&month=$month"
run "metrics: community, $month" "$base/api/v1/affair-metrics?scope=community&place_id=$community&month=$month"
run "board: GET /api/v1/compounds/$compound/board" "$base/api/v1/compounds/$compound/board"
run "service reports: GET /api/v1/communities/$community/service-reports (6 units, 5 stations, volunteers)" \
  -H "cookie: linli_session=$staff" "$base/api/v1/communities/$community/service-reports?month=$month"
script="$data/create.lua"
cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["cookie"] = "linli_session=$token"
wrk.body = '{"compound_id":$compound,"category_id":$category,"title":"楼道灯不亮","description":"晚上看不见","common_area":"北门车棚"}'
LUA
run "create: POST /api/v1/affairs" -s "$script" "$base/api/v1/affairs"
