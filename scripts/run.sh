#!/usr/bin/env bash
# Runs the portal: installs what is missing, builds the app and the server
# in release mode, and serves both with the embedded SQLite database (the
# demo street is loaded on first start).
source "$(dirname "$0")/lib.sh"

ensure_build_tools
build_app
say "building the server (release)"
cargo build --release -p server
export LINLI_DEMO_DATA="${LINLI_DEMO_DATA:-1}"
addr="${LINLI_ADDR:-127.0.0.1:8080}"
say "Linli: open http://$addr/ (Ctrl-C stops it)"
exec "$TARGET_DIR/release/linli-server"
