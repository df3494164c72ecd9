#!/usr/bin/env bash
# Fuzzes the gateway against the OpenAPI document it serves, with Schemathesis (PyPI):
# starts the built gateway (`npm run build` first) on the embedded ledger on 127.0.0.1 with a free
# port and a temp data dir, then runs Schemathesis on http://127.0.0.1:<port>/docs/json with the
# bank's API key (an issuer: mint is reachable) and a fresh Idempotency-Key per case
# (schemathesis_hooks.py). Checks: no 5xx, every status code and content type documented, every
# response body and header as documented. GET /v1/events is left out: it is an endless
# Server-Sent Events stream (its problems are the same hooks' as every other route's).
# Bounded: SCHEMATHESIS_MAX_EXAMPLES (default 20) cases per operation and phase,
# SCHEMATHESIS_MAX_TIME (default 600) seconds in all.
# Usage: test/openapi/schemathesis.sh [schemathesis binary]   (default: schemathesis on PATH)
set -euo pipefail
cd "$(dirname "$0")/../.."
st="${1:-schemathesis}"
data_dir="$(mktemp -d /tmp/covenant-fuzz.XXXXXX)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
node gateway/dist/server.js --ledger embedded --data-dir "$data_dir" --host 127.0.0.1 --port "$port" --log-level warn > "$data_dir/gateway.log" 2>&1 &
gateway_pid=$!
cleanup() {
  kill "$gateway_pid" 2>/dev/null || true
  wait "$gateway_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$data_dir/gateway.log" >&2; echo "FAILED: the gateway did not start" >&2; exit 1; }
  sleep 0.2
done
key="$(node -p "require('$data_dir/dev-credentials.json').users.find(u => u.name === 'bank').apiKey")"
# Accounts for the dev users, so that some generated ids (examples) exist.
for name in bank alice bob carol; do
  k="$(node -p "require('$data_dir/dev-credentials.json').users.find(u => u.name === '$name').apiKey")"
  curl -fsS -X POST -H "Authorization: Bearer $k" "$base/v1/accounts" >/dev/null
done
mkdir -p test/openapi/.generated
report=test/openapi/.generated/schemathesis-junit.xml
rm -f "$report"
set +e
PYTHONPATH="test/openapi${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
  "$st" run "$base/docs/json" --url "$base" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --exclude-path /v1/events \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" --max-time "${SCHEMATHESIS_MAX_TIME:-600}" \
  --request-timeout 30 --seed "${SCHEMATHESIS_SEED:-20261130}" --no-color \
  --report junit --report-junit-path "$report" 2>&1 | tee "$data_dir/schemathesis.out"
rc=${PIPESTATUS[0]}
set -e
if [ -f "$report" ]; then
  node -e '
    const x = require("fs").readFileSync(process.argv[1], "utf8");
    const n = (k) => [...x.matchAll(new RegExp(`<testsuite [^>]*${k}="(\\d+)"`, "g"))].reduce((s, m) => s + Number(m[1]), 0);
    console.log(`schemathesis: ${n("tests")} operations tested, ${n("failures")} with failures, ${n("errors")} with errors, ${n("skipped")} skipped`);
  ' "$report"
fi
grep -E "test cases|generated|passed|failed" "$data_dir/schemathesis.out" | tail -5 || true
if [ "$rc" -ne 0 ]; then
  echo "FAILED: schemathesis found problems (exit $rc); gateway log:" >&2
  tail -50 "$data_dir/gateway.log" >&2
fi
exit "$rc"
