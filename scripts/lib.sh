# Shared by scripts/run.sh and scripts/test.sh: install what is missing
# (and only that), build the app. Sourced, not run.
#
# Everything comes from crates.io, npm or Debian's packages; nothing is
# downloaded from anywhere else, at build time or at test time.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"          # 0.22 needs rustc >= 1.96
BINARYEN_VERSION="132"           # never Debian's binaryen 108: it corrupts the wasm
TOOLS_DIR="$ROOT/.tools"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# The version of a crate as Cargo.lock resolved it.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# cargo install NAME VERSION [--locked], unless `BIN --version` already says VERSION.
ensure_cargo_tool() {
  local crate="$1" bin="$2" version="$3"; shift 3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qF "$version"; then
    return
  fi
  say "installing $crate $version (once per machine)"
  cargo install "$crate" --version "$version" "$@"
}

ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

# The wasm target, Trunk, wasm-bindgen-cli (the exact version of the crate in
# Cargo.lock), stylance-cli (the crate's version: the class hashes must
# agree), wasm-opt (binaryen from npm), brotli for precompression.
ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local bindgen stylance_version
  bindgen="$(locked_version wasm-bindgen)"
  stylance_version="$(locked_version stylance)"
  if ! grep -q "^wasm_bindgen = \"$bindgen\"" Trunk.toml; then
    echo "Trunk.toml's wasm_bindgen must be $bindgen, the version in Cargo.lock" >&2
    exit 1
  fi
  ensure_cargo_tool trunk trunk "$TRUNK_VERSION" --locked
  # Without --locked: its lockfile wants a crate version the registry no longer serves.
  ensure_cargo_tool wasm-bindgen-cli wasm-bindgen "$bindgen"
  ensure_cargo_tool stylance-cli stylance "$stylance_version" --locked
  if ! wasm-opt --version 2>/dev/null | grep -q "version_$BINARYEN_VERSION"; then
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  ensure_apt brotli
}

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

# The release build of the eight bundles, each file beside its .br and .gz:
# the residents' app in dist/, the affairs bundle (station desk, affairs,
# notices) in dist/station/, consultations in dist/consult/, the volunteer
# pool in dist/pool/, service ratings and public boards in dist/units/, the
# reports staff read in dist/reports/, the street office's setup in
# dist/admin/, the staff's places and people in dist/staff/ — so pages a resident does not open first cost their first
# load nothing.
build_app() {
  say "building the app (release, size-optimised)"
  # Trunk passes --offline on to cargo: the crates must be here first
  # (a no-op once they are).
  cargo fetch --locked
  trunk build --release --offline
  trunk build station.html --release --offline --dist dist/station --public-url /station/
  trunk build consult.html --release --offline --dist dist/consult --public-url /consult/
  trunk build pool.html --release --offline --dist dist/pool --public-url /pool/
  trunk build units.html --release --offline --dist dist/units --public-url /units/
  trunk build reports.html --release --offline --dist dist/reports --public-url /reports/
  trunk build admin.html --release --offline --dist dist/admin --public-url /admin/
  trunk build staff.html --release --offline --dist dist/staff --public-url /staff/
  find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' \) \
    -exec gzip -9 -k -f {} \; -exec brotli -q 11 -k -f {} \;
}
