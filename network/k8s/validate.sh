#!/usr/bin/env bash
# Validates the Kubernetes manifests offline (no cluster here or in CI):
#   1. `kubectl kustomize` builds every overlay under network/k8s/overlays (kustomize is built into
#      kubectl; a standalone `kustomize build` is used when kubectl is absent);
#   2. kubernetes-validate (PyPI; ships the Kubernetes JSON schemas, so no download at run time)
#      checks every object in strict mode (unknown fields are errors) against Kubernetes $K8S_VERSION;
#   3. check-topology.py checks what a schema cannot: namespaces, MSP ids, addresses, images,
#      references, resources, default-deny NetworkPolicies.
# kubernetes-validate is installed on first use into a venv at $COVENANT_K8S_VENV
# (default <repo>/.cache/k8s-validate, ~35 s). Exit 0 when every overlay passes.
set -euo pipefail
K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$K8S_DIR/../.." && pwd)"
K8S_VERSION="${K8S_VERSION:-1.31.0}"
VALIDATOR="kubernetes-validate==1.37.0"
VENV="${COVENANT_K8S_VENV:-$REPO_DIR/.cache/k8s-validate}"

if command -v kubectl >/dev/null 2>&1; then
  build() { kubectl kustomize "$1"; }
elif command -v kustomize >/dev/null 2>&1; then
  build() { kustomize build "$1"; }
else
  echo "FAILED: neither kubectl nor kustomize is installed" >&2
  exit 1
fi

installed="$("$VENV/bin/python" -m pip show kubernetes-validate 2>/dev/null | sed -n 's/^Version: //p')" || true
if [ "$installed" != "${VALIDATOR#*==}" ]; then
  echo "k8s: installing $VALIDATOR into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$VALIDATOR"
fi

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
built=()
for dir in "$K8S_DIR"/overlays/*/; do
  name="$(basename "$dir")"
  build "$dir" >"$OUT/$name.yaml"
  "$VENV/bin/kubernetes-validate" --strict --quiet --kubernetes-version "$K8S_VERSION" "$OUT/$name.yaml"
  echo "k8s: overlays/$name built ($(grep -c '^kind:' "$OUT/$name.yaml") objects), schema-valid for Kubernetes $K8S_VERSION (strict)"
  built+=("$name=$OUT/$name.yaml")
done
"$VENV/bin/python" "$K8S_DIR/check-topology.py" "${built[@]}"
echo "k8s: ${#built[@]} overlays valid"
