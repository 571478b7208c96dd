#!/usr/bin/env bash
# Measures API latency: the release server on a throwaway SQLite database
# with the demo street, loaded by wrk from this machine over loopback for
# 10 s per endpoint (2 threads, 16 connections). Prints wrk's percentiles.
source "$(dirname "$0")/lib.sh"

ensure_apt wrk python3
cargo build --release -p server
data="$(mktemp -d /tmp/linli-bench.XXXXXX)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LINLI_ADDR="127.0.0.1:$port" LINLI_DATA_DIR="$data" LINLI_DEMO_DATA=1 RUST_LOG=warn \
  "$TARGET_DIR/release/linli-server" &
server=$!
trap 'kill $server; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
for path in /api/health /api/v1/streets /api/v1/compounds /api/v1/compounds/1; do
  say "GET $path"
  wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$path" | grep -E "Latency|50%|90%|99%|Requests/sec"
done
