#!/usr/bin/env bash
# Measures setting up N street from its places ledger, as README reports:
# 10 communities, 48 compounds, 122 grids, 1,200 buildings and 35,000
# households in one CSV, imported with the release server's command line
# (`street create`, then `places import`: dry run, import, and the same file
# again) on a fresh SQLite file and on a throwaway PostgreSQL server
# (loopback, fsync off, as the tests run it). Prints each step's seconds.
source "$(dirname "$0")/lib.sh"

ensure_apt postgresql python3
cargo build --release -p server --bin linli-server
bin="$TARGET_DIR/release/linli-server"
work="$(mktemp -d /tmp/linli-import.XXXXXX)"
ledger="$work/ledger.csv"
python3 - "$ledger" <<'PY'
import sys
rows = ["社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数"]
buildings = 0
for compound in range(48):
    community = compound % 10
    grids = 3 if compound < 26 else 2
    for b in range(25):
        floors = 8 if buildings % 24 < 7 else 7
        rows.append(f"第{community + 1}社区,小区{compound + 1},某路 {compound + 1} 号,"
                    f"小区{compound + 1}第{b % grids + 1}网格,{b + 1}号楼,2,{floors},2")
        buildings += 1
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
say "N street's ledger: $(($(wc -l <"$ledger") - 1)) buildings, $(du -k "$ledger" | cut -f1) KiB"

timed() {
  local label="$1" start
  shift
  start=$(date +%s.%N)
  "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  printf '  %-34s %6.2f s   %s\n' "$label" "$(echo "$(date +%s.%N) - $start" | bc)" "$(head -n 1 "$work/out")"
}

bench() {
  export DATABASE_URL="$1" LINLI_DATA_DIR="$work/data" LINLI_SECRET="bench-secret-of-at-least-32-characters" RUST_LOG=warn
  timed "street create" "$bin" street create --name N街道 --district 定海区 --city 舟山市 --admin-phone 13900000001
  timed "places import --dry-run" "$bin" places import "$ledger" --street 1 --dry-run
  timed "places import" "$bin" places import "$ledger" --street 1
  timed "places import (same file again)" "$bin" places import "$ledger" --street 1
}

ensure_apt bc
say "SQLite"
bench "sqlite://$work/linli.db?mode=rwc"
say "PostgreSQL"
start_postgres
bench "postgres://postgres@127.0.0.1:$PG_PORT/postgres"
rm -rf "$work"
