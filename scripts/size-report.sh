#!/usr/bin/env bash
# Reports the first-load bytes of the release app in dist/ (HTML, JS, wasm,
# CSS; raw, gzip -9, brotli -q 11) and fails when the brotli total exceeds
# size-budget.txt, or the HTML shell exceeds 14 KiB (one round trip). The
# affairs bundle in dist/station/ has a budget of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_kib="$(awk -F= '/^first_load_brotli_kib=/{print $2}' size-budget.txt)"
html_kib="$(awk -F= '/^html_raw_kib=/{print $2}' size-budget.txt)"
desk_kib="$(awk -F= '/^desk_first_load_brotli_kib=/{print $2}' size-budget.txt)"
[ -f dist/index.html ] || { echo "dist/ is not built: run trunk build --release first" >&2; exit 1; }

total_raw=0; total_gz=0; total_br=0
printf '%-34s %10s %10s %10s\n' file raw gzip brotli
for f in dist/index.html dist/*.js dist/*.wasm dist/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c%s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-34s %10d %10d %10d\n' "${f#dist/}" "$raw" "$gz" "$br"
done
printf '%-34s %10d %10d %10d\n' "first load" "$total_raw" "$total_gz" "$total_br"
awk -v br="$total_br" -v b="$budget_kib" -v h="$html_kib" \
  'BEGIN { printf "budget: brotli total <= %d KiB (%.1f KiB used); HTML <= %d KiB raw\n", b, br / 1024, h }'

status=0
# The affairs bundle: the station desk, filing and following affairs,
# notices, public boards.
[ -f dist/station/index.html ] || { echo "dist/station/ is not built" >&2; exit 1; }
desk=0
for f in dist/station/index.html dist/station/*.js dist/station/*.wasm dist/station/*.css; do
  [ -f "$f" ] && desk=$((desk + $(brotli -q 11 -c "$f" | wc -c)))
done
awk -v br="$desk" -v b="$desk_kib" \
  'BEGIN { printf "affairs bundle (/station, /affairs, /notices, /boards): %.1f KiB brotli, budget %d KiB\n", br / 1024, b }'
if [ "$desk" -gt $((desk_kib * 1024)) ]; then
  echo "FAIL: the affairs bundle is $desk bytes brotli, over the $desk_kib KiB budget" >&2
  status=1
fi
if [ "$total_br" -gt $((budget_kib * 1024)) ]; then
  echo "FAIL: the first load is $total_br bytes brotli, over the $budget_kib KiB budget" >&2
  status=1
fi
html_raw=$(stat -c%s dist/index.html)
if [ "$html_raw" -gt $((html_kib * 1024)) ]; then
  echo "FAIL: index.html is $html_raw bytes, over $html_kib KiB" >&2
  status=1
fi
exit $status
