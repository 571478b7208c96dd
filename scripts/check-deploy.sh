#!/usr/bin/env bash
# Checks the files in deploy/ with the tools that will read them:
# `systemd-analyze verify` for the unit (any complaint fails, since it
# exits 0 on unknown keys) and `nginx -t` for the site, wrapped in a minimal
# nginx.conf with a throwaway self-signed certificate.
# Usage: scripts/check-deploy.sh PATH-TO-linli-server
set -euo pipefail
cd "$(dirname "$0")/.."
server_bin="$(realpath "$1")"
work="$(mktemp -d /tmp/linli-deploy.XXXXXX)"
trap 'rm -rf "$work"' EXIT

sed "s|/usr/local/bin/linli-server|$server_bin|" deploy/linli.service > "$work/linli.service"
if ! complaints="$(systemd-analyze verify "$work/linli.service" 2>&1)" || [ -n "$complaints" ]; then
  echo "deploy/linli.service: $complaints" >&2
  exit 1
fi
echo "deploy/linli.service: systemd-analyze verify says nothing"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=linli.example.cn \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s|/etc/letsencrypt/live/linli.example.cn/fullchain.pem|$work/cert.pem|" \
    -e "s|/etc/letsencrypt/live/linli.example.cn/privkey.pem|$work/key.pem|" \
    deploy/nginx-linli.conf > "$work/site.conf"
mkdir -p "$work/logs"
cat > "$work/nginx.conf" <<CONF
error_log $work/logs/error.log;
pid $work/nginx.pid;
events {}
http {
    access_log $work/logs/access.log;
    include $work/site.conf;
}
CONF
nginx -t -q -p "$work" -c "$work/nginx.conf"
echo "deploy/nginx-linli.conf: nginx -t is successful"

# The environment file names only variables the server documents.
while IFS='=' read -r name _; do
  case "$name" in ''|'#'*) continue ;; esac
  grep -q "^$name=" .env.sample || { echo "deploy/linli.env: $name is not in .env.sample" >&2; exit 1; }
done < deploy/linli.env
echo "deploy/linli.env: every variable is documented in .env.sample"
