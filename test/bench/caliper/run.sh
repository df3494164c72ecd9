#!/usr/bin/env bash
# Runs Covenant's Hyperledger Caliper benchmark (README.md beside this file) against the network
# `npm run network:up` started: `npm run bench:caliper` from the repository root.
#
# 1. installs Caliper 0.6 into test/bench/caliper/node_modules when it is missing (its own
#    package, not a root workspace) and binds it to Fabric's peer Gateway
#    (`caliper bind --caliper-bind-sut fabric:fabric-gateway`) when the binding is missing;
# 2. issues fresh client identities and writes Caliper's network and benchmark configurations
#    (generate.ts) from $COVENANT_DATA_DIR/fabric (default <repo>/.covenant/fabric) into
#    $CALIPER_OUT_DIR (default test/bench/caliper/.run, git-ignored);
# 3. launches Caliper's manager (local workers): it prints each round's report table and writes
#    report.html and caliper.log into the same folder.
#
# Environment: CALIPER_WORKERS, CALIPER_TPS, CALIPER_QUERY_TPS, CALIPER_DURATION, CALIPER_PAYERS,
# CALIPER_PAYER_ORG, CALIPER_PAYEE_ORG (generate.ts); CALIPER_BENCHCONFIG: a benchmark
# configuration of your own instead of the generated one (start from .run/benchmark.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${CALIPER_OUT_DIR:-$here/.run}"
network="${COVENANT_DATA_DIR:-$repo/.covenant}/fabric"
# The project's Node (the root devDependency `node`) for the generator and for Caliper alike.
export PATH="$repo/node_modules/.bin:$PATH"

if [ ! -f "$network/connection.json" ]; then
  echo "bench:caliper: no network at $network (connection.json missing): run 'npm run network:up' first, or set COVENANT_DATA_DIR" >&2
  exit 1
fi
if [ ! -x "$here/node_modules/.bin/caliper" ]; then
  echo "bench:caliper: installing Caliper into $here/node_modules"
  npm install --prefix "$here" --no-audit --no-fund --no-package-lock
fi
if [ ! -f "$here/node_modules/@hyperledger/fabric-gateway/package.json" ]; then
  (cd "$here" && node_modules/.bin/caliper bind --caliper-bind-sut fabric:fabric-gateway --caliper-bind-cwd "$here" --caliper-bind-args=--no-save)
fi
# generate.ts reuses the gateway's identity code, which loads the built @covenant/embedded-ledger.
if [ ! -f "$repo/chaincode/embedded-ledger/dist/index.js" ]; then
  (cd "$repo" && npm run build)
fi

mkdir -p "$out"
(cd "$repo" && tsx "$here/generate.ts" "$out")

set +e
(cd "$here" && node_modules/.bin/caliper launch manager \
  --caliper-workspace "$here" \
  --caliper-networkconfig "$out/network.json" \
  --caliper-benchconfig "${CALIPER_BENCHCONFIG:-$out/benchmark.json}" \
  --caliper-report-path "$out/report.html" \
  --caliper-flow-only-test) 2>&1 | tee "$out/caliper.log"
status=${PIPESTATUS[0]}
set -e
echo "bench:caliper: report $out/report.html, log $out/caliper.log"
exit "$status"
