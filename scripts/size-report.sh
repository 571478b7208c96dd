#!/usr/bin/env bash
# Reports the first-load bytes of the release app in dist/ (HTML, JS, wasm,
# CSS; raw, gzip -9, brotli -q 11) and fails when the brotli total exceeds
# size-budget.txt, or the HTML shell exceeds 14 KiB (one round trip). The
# affairs bundle (dist/station/) and the consultations bundle
# (dist/consult/) have budgets of their own.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_kib="$(awk -F= '/^first_load_brotli_kib=/{print $2}' size-budget.txt)"
html_kib="$(awk -F= '/^html_raw_kib=/{print $2}' size-budget.txt)"
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
# The other bundles, each with its own budget: a resident opening one of
# their pages from a WeChat link loads it first.
bundle_budget() {
  local dir=$1 key=$2 label=$3 total=0 kib
  kib="$(awk -F= -v k="$key" '$1 == k {print $2}' size-budget.txt)"
  [ -f "dist/$dir/index.html" ] || { echo "dist/$dir/ is not built" >&2; status=1; return; }
  for f in "dist/$dir/index.html" "dist/$dir/"*.js "dist/$dir/"*.wasm "dist/$dir/"*.css; do
    [ -f "$f" ] && total=$((total + $(brotli -q 11 -c "$f" | wc -c)))
  done
  awk -v br="$total" -v b="$kib" -v l="$label" \
    'BEGIN { printf "%s: %.1f KiB brotli, budget %d KiB\n", l, br / 1024, b }'
  if [ "$total" -gt $((kib * 1024)) ]; then
    echo "FAIL: the $label is $total bytes brotli, over the $kib KiB budget" >&2
    status=1
  fi
}
bundle_budget station desk_first_load_brotli_kib "affairs bundle (/station, /affairs, /notices)"
bundle_budget consult consult_first_load_brotli_kib "consultations bundle (/consultations)"
bundle_budget pool pool_first_load_brotli_kib "pool bundle (/pool)"
bundle_budget units units_first_load_brotli_kib "service ratings bundle (/units, /boards)"
bundle_budget reports reports_first_load_brotli_kib "reports bundle (/reports)"
bundle_budget admin admin_first_load_brotli_kib "street setup bundle (/admin)"
bundle_budget staff staff_first_load_brotli_kib "staff places and people bundle (/staff)"
html_raw=$(stat -c%s dist/index.html)
if [ "$html_raw" -gt $((html_kib * 1024)) ]; then
  echo "FAIL: index.html is $html_raw bytes, over $html_kib KiB" >&2
  status=1
fi
exit $status
