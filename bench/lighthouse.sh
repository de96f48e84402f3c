#!/usr/bin/env bash
# Lighthouse 12.2.3, mobile emulation, on the production-like server (`make serve` style:
# collected static files, gunicorn, DEBUG off) with a throwaway SQLite database seeded by the
# migrations. Prints the four category scores and the bytes transferred for eight pages (the Spanish article,
# the notices and the taglines page among them).
#
# A measurement run by hand (`make lighthouse`), not a CI gate. Needs npm and Chromium.
# Lighthouse 13 needs Node 22; this machine has Node 20, hence 12.2.3, pinned exactly.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${LIGHTHOUSE_PORT:-8001}"
ORIGIN="http://127.0.0.1:${PORT}"
OUT=bench/out
CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
LIGHTHOUSE_VERSION=12.2.3
PAGES=(
  "home /"
  "article /articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
  "office /locations/medical-center-drive/"
  "form /appointments/request/"
  "article-es /es/articles/the-link-between-iron-deficiency-and-restless-leg-syndrome/"
  "notices /notices/"
  "taglines /notices/language-assistance/"
  "npp-es /es/notices/privacy-practices/"
)

test -x "$CHROME_PATH" || { echo "No Chromium at $CHROME_PATH: run 'sudo apt-get install chromium' or set CHROMIUM_PATH." >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is needed for Lighthouse: run 'sudo apt-get install npm'." >&2; exit 1; }

installed="$(node -p "require('./bench/node_modules/lighthouse/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$LIGHTHOUSE_VERSION" ]; then
  npm i -E --prefix bench --no-audit --no-fund --loglevel=error "lighthouse@${LIGHTHOUSE_VERSION}"
fi

mkdir -p "$OUT"
rm -f "$OUT/lighthouse.sqlite3" "$OUT"/lighthouse-*.json

# Production settings, but plain HTTP on the loopback: no TLS redirect, and a throwaway key
# and database that never touch the developer's own.
export SECRET_KEY="lighthouse-bench-only-not-a-secret"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="sqlite:///${PWD}/${OUT}/lighthouse.sqlite3"
export LOG_LEVEL=WARNING
unset DEBUG

.venv/bin/python manage.py collectstatic --no-input --verbosity 0
.venv/bin/python manage.py migrate --no-input --verbosity 0
.venv/bin/python manage.py createcachetable

.venv/bin/gunicorn clinic_site.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --log-level warning \
  >"$OUT/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 50); do
  curl -fsS -o /dev/null "${ORIGIN}/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "${ORIGIN}/healthz" || { echo "The server did not start; see $OUT/gunicorn.log" >&2; exit 1; }

# Measure warm: the first request of each worker pays for imports and template compilation.
for page in "${PAGES[@]}"; do
  for _ in 1 2 3 4; do curl -fsS -o /dev/null "${ORIGIN}${page#* }"; done
done

for page in "${PAGES[@]}"; do
  name="${page%% *}"
  CHROME_PATH="$CHROME_PATH" bench/node_modules/.bin/lighthouse "${ORIGIN}${page#* }" \
    --output=json --output-path="$OUT/lighthouse-${name}.json" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    2> >(grep -v 'unexpected operator' >&2)
done

echo "Lighthouse ${LIGHTHOUSE_VERSION}, mobile emulation, ${ORIGIN} ($("$CHROME_PATH" --version 2>/dev/null | grep -v 'unexpected operator'))"
.venv/bin/python - "$OUT" "${PAGES[@]}" <<'PY'
import json
import sys
from pathlib import Path

out, pages = Path(sys.argv[1]), sys.argv[2:]
print("| page | path | performance | accessibility | best practices | SEO | transferred | LCP | TBT | CLS |")
print("|---|---|---|---|---|---|---|---|---|---|")
misses = []
for page in pages:
    name, path = page.split(" ", 1)
    report = json.loads((out / f"lighthouse-{name}.json").read_text())
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    audits = report["audits"]
    kilobytes = audits["total-byte-weight"]["numericValue"] / 1024
    timings = ("largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
    lcp, tbt, cls = (audits[key]["displayValue"] for key in timings)
    print(
        f"| {name} | `{path}` | {scores['performance']} | {scores['accessibility']} | "
        f"{scores['best-practices']} | {scores['seo']} | {kilobytes:.1f} KB | {lcp} | {tbt} | {cls} |"
    )
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                misses.append(f"{name}: {key} / {ref['id']} ({audit['title']}): {audit.get('displayValue', '')}")
for miss in misses:
    print("  missed:", miss)
PY
