#!/usr/bin/env bash
# Validates docker-compose.yaml without a Docker engine (this project's machines and CI have none):
#   1. YAML parse (python3 + PyYAML, when present)
#   2. compose-go, the loader + Compose JSON schema that `docker compose` itself uses, plus the
#      Covenant topology checks (network/compose-check; needs Go)
#   3. `docker compose config -q`, only when the Compose plugin is installed
# Exit 0 when every available check passes; a missing Go toolchain is a failure.
set -euo pipefail
NET_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$NET_DIR/.." && pwd)"
FILE="$(cd "$(dirname "${1:-$REPO_DIR/docker-compose.yaml}")" && pwd)/$(basename "${1:-docker-compose.yaml}")"

if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  python3 - "$FILE" <<'PY'
import sys, yaml
with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)
assert isinstance(doc, dict) and isinstance(doc.get("services"), dict), "no services mapping"
print(f"{sys.argv[1]}: YAML ok (PyYAML), {len(doc['services'])} services")
PY
else
  echo "yaml: python3 with PyYAML not available, skipped"
fi

command -v go >/dev/null 2>&1 || { echo "FAILED: Go is needed for the compose-go validation" >&2; exit 1; }
(cd "$NET_DIR/compose-check" && go run . "$FILE")

if docker compose version >/dev/null 2>&1; then
  docker compose -f "$FILE" config -q && echo "$FILE: docker compose config ok"
else
  echo "docker compose: plugin not installed here, skipped (compose-go above is its loader)"
fi
