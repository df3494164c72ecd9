#!/usr/bin/env bash
# Covenant's Hyperledger Fabric network from native binaries: local processes on 127.0.0.1,
# chaincode as a service. No Docker engine needed. See network/README.md.
#
#   network.sh up                  install binaries if missing, start the network, deploy + init chaincode
#   network.sh down                stop the recorded processes, remove the run dir and gateway files
#                                  (COVENANT_NET_KEEP_LOGS=DIR copies the logs there first)
#   network.sh status              each process up/down, channel height per peer, chaincode definition
#   network.sh logs [process] [-f] tail the logs (all, or one process; -f follows)
#   network.sh upgrade             rebuild the chaincode, new package + sequence, state kept
#   network.sh install [--force]   only install the Fabric binaries (timed)
#   network.sh invoke USER FN [ARG...]   submit a transaction as USER (alice, bob, ..., admin1)
#   network.sh query  USER FN [ARG...]   evaluate a transaction as USER
#   network.sh env USER            print `export ...` lines for the peer CLI as USER
#   network.sh ports               print the port plan
#   network.sh compose-init        generate crypto, block, packages, gateway files for docker-compose.yaml
#   network.sh compose-setup       (run by the compose `setup` service) join, deploy, init
set -Eeuo pipefail
shopt -s inherit_errexit

# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------
NET_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$NET_DIR/.." && pwd)"
# The project's own Node LTS (root devDependency `node`), as npm scripts use it, also when this
# script is called directly.
[ -x "$REPO_DIR/node_modules/.bin/node" ] && PATH="$REPO_DIR/node_modules/.bin:$PATH"

abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# compose-init / compose-setup prepare and deploy the docker-compose.yaml topology (container
# hostnames instead of 127.0.0.1 ports) in their own dir; everything else is the native network.
MODE=native
case "${1:-}" in compose-*) MODE=compose ;; esac
if [ "$MODE" = compose ]; then
  RUN_DIR="$(abspath "${COVENANT_COMPOSE_DIR:-$REPO_DIR/.network-compose}")"
else
  RUN_DIR="$(abspath "${COVENANT_NETWORK_DIR:-$REPO_DIR/.network}")"
fi
DATA_DIR="$(abspath "${COVENANT_DATA_DIR:-$REPO_DIR/.covenant}")"
GW_DIR="$DATA_DIR/fabric"
FABRIC_HOME="$(abspath "${COVENANT_FABRIC_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/covenant-fabric}")"
BIN="$FABRIC_HOME/bin"
BASE_PORT="${COVENANT_NET_BASE_PORT:-27050}"

# Fabric is installed with `go install` from module github.com/hyperledger/fabric pinned to a
# commit pseudo-version (its v2/v3 tags are not valid Go module versions). The first pin the Go
# module proxy serves wins; COVENANT_FABRIC_VERSION forces one pin.
#   v1.4.0-rc1.0.20260618074816-86c1172bec37  = Fabric v3.1.5 (release tag commit)
#   v1.4.0-rc1.0.20230405174026-695dd57e01c2  = Fabric main 2023-04-05 (3.0.0 snapshot; Gateway,
#                                               channel participation, V3_0 channel capability)
FABRIC_MODULE=github.com/hyperledger/fabric
FABRIC_PINS="${COVENANT_FABRIC_VERSION:-v1.4.0-rc1.0.20260618074816-86c1172bec37 v1.4.0-rc1.0.20230405174026-695dd57e01c2}"
FABRIC_TOOLS=(peer orderer configtxgen cryptogen osnadmin)

CHANNEL=covenant
# The channel capability. V2_0 by default: in the pinned Fabric, V3_0 makes ConsensusTypeBFT()
# true, so the peers' Gateway broadcasts every transaction to every orderer and etcdraft orders
# each copy (three envelopes per transaction, two of them DUPLICATE_TXID); under V2_0 it sends
# each transaction to one orderer (test/fabric/ordering.test.ts counts the copies in the blocks).
CHANNEL_CAPABILITY="${COVENANT_CHANNEL_CAPABILITY:-V2_0}"
# How long the orderer waits to fill a block before cutting it (configtx BatchTimeout). A lone
# transaction waits for it in full: measured on a loaded 2-core machine, escrow create-to-commit
# p50 was 615 ms at 500ms, 380 ms at 250ms, 232 ms at 100ms, 175 ms at 50ms; 12 concurrent
# REST transfers committed 3.6/s at 500ms and 7.5/s at 100ms. 100ms keeps blocks of several
# transactions under load (MaxMessageCount 100 cuts earlier) without a lone one waiting long.
BATCH_TIMEOUT="${COVENANT_BATCH_TIMEOUT:-100ms}"
case "$CHANNEL_CAPABILITY" in V2_0 | V3_0) ;; *) echo "COVENANT_CHANNEL_CAPABILITY must be V2_0 or V3_0" >&2; exit 2 ;; esac
CC_NAME=covenant
# Chaincode-level endorsement policy: any one member peer, so new keys can be created by one
# organisation. Keys that hold value carry key-level (state-based) policies set by the chaincode
# naming every organisation they affect (DESIGN.md, "Consent on Fabric: two layers").
CC_POLICY="OR('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"
CC_DIR="$REPO_DIR/chaincode"
CC_SERVER_JS="$REPO_DIR/node_modules/.bin/fabric-chaincode-node"
ORGS=(1 2 3)
ORDERERS=(0 1 2)
WAIT_SECS="${COVENANT_NET_WAIT_SECS:-90}"

CFG="$RUN_DIR/config"
CRYPTO="$RUN_DIR/crypto"
LOGS="$RUN_DIR/logs"
PIDS="$RUN_DIR/pids"
STATE="$RUN_DIR/state"
BLOCK="$RUN_DIR/blocks/$CHANNEL.block"
CLI_LOG="$LOGS/cli.log"
MARKER="$RUN_DIR/.covenant-network"

# Variables from the caller's shell must not leak into the Fabric processes or the peer CLI.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(CORE_|ORDERER_|FABRIC_CFG_PATH$|FABRIC_LOGGING_SPEC$|FABRIC_LOGGING_FORMAT$)' || true)
# Every peer CLI call reads core.yaml from the run dir's config.
export FABRIC_CFG_PATH="$CFG"

# --------------------------------------------------------------------------------------------
# Modules (network/lib/*.sh, one concept each; network/README.md lists them)
# --------------------------------------------------------------------------------------------
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$NET_DIR/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/install.sh
source "$NET_DIR/lib/install.sh"
# shellcheck source=SCRIPTDIR/lib/crypto.sh
source "$NET_DIR/lib/crypto.sh"
# shellcheck source=SCRIPTDIR/lib/configtx.sh
source "$NET_DIR/lib/configtx.sh"

# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------
pid_of() { if [ -f "$PIDS/$1.pid" ]; then cat "$PIDS/$1.pid"; fi; }

# alive NAME : the recorded process exists and is still the program we started (guards PID reuse)
alive() {
  local pid expect
  pid="$(pid_of "$1")"
  [ -n "$pid" ] || return 1
  [ -d "/proc/$pid" ] || { kill -0 "$pid" 2>/dev/null || return 1; }
  expect="$(cat "$PIDS/$1.cmd" 2>/dev/null || true)"
  if [ -n "$expect" ] && [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$expect" || return 1
  fi
  return 0
}

any_alive() {
  local f name
  [ -d "$PIDS" ] || return 1
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .pid)"
    if [ "$name" = "up" ] || [ "$name" = "upgrade" ]; then
      kill -0 "$(cat "$f")" 2>/dev/null && return 0
      continue
    fi
    alive "$name" && return 0
  done
  return 1
}

# start_proc NAME MATCH CMD... : start CMD in its own session, stdout+stderr to logs/NAME.log.
# MATCH is a string of its command line used later to recognise it (PID reuse guard).
start_proc() {
  local name="$1" match="$2"
  shift 2
  mkdir -p "$LOGS" "$PIDS"
  printf '=== %s start %s\n' "$(date -u +%FT%TZ)" "$name" >>"$LOGS/$name.log"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  printf '%s\n' "$match" >"$PIDS/$name.cmd"
}

# stop_procs NAME... : TERM every live one, wait (bounded, 10s) for all, KILL what is left;
# removes their pid files. Only the PIDs recorded by this script are signalled.
stop_procs() {
  local name pid i live=()
  for name in "$@"; do
    pid="$(pid_of "$name")"
    if [ -n "$pid" ] && alive "$name"; then
      kill -TERM "$pid" 2>/dev/null || true
      live+=("$name:$pid")
    elif [ -n "$pid" ]; then
      printf '    %s (pid %s) was not running\n' "$name" "$pid"
      rm -f "$PIDS/$name.pid" "$PIDS/$name.cmd"
    fi
  done
  for ((i = 0; i < 100; i++)); do
    local any=0 e
    for e in "${live[@]}"; do kill -0 "${e#*:}" 2>/dev/null && any=1; done
    [ "$any" = 0 ] && break
    sleep 0.1
  done
  for e in "${live[@]}"; do
    name="${e%%:*}"
    pid="${e#*:}"
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      printf '    %s (pid %s) killed after 10s\n' "$name" "$pid"
    else
      printf '    %s (pid %s) stopped\n' "$name" "$pid"
    fi
    rm -f "$PIDS/$name.pid" "$PIDS/$name.cmd"
  done
}
stop_proc() { stop_procs "$1"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until DESC SECONDS PROCESS CMD... : poll CMD every 0.5s; fail if PROCESS dies or time runs out
wait_until() {
  local desc="$1" secs="$2" proc="$3" deadline
  shift 3
  deadline=$(($(now_ms) + secs * 1000))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [ -n "$proc" ] && ! alive "$proc"; then
      STEP_LOG="$LOGS/$proc.log"
      fail "$proc exited while waiting for: $desc"
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      [ -n "$proc" ] && STEP_LOG="$LOGS/$proc.log"
      fail "timed out after ${secs}s waiting for: $desc"
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# start_healthy START OPS_PORT NAME ID... : run START for each ID, then wait until each one's
# operations endpoint (port: OPS_PORT ID) answers /healthz; NAME+ID names its process and log.
start_healthy() {
  local start="$1" ops_port="$2" name="$3" id
  shift 3
  for id in "$@"; do "$start" "$id"; done
  for id in "$@"; do
    wait_until "$name$id /healthz" "$WAIT_SECS" "$name$id" http_ok "http://127.0.0.1:$("$ops_port" "$id")/healthz"
  done
}

# --------------------------------------------------------------------------------------------
# Fabric processes
# --------------------------------------------------------------------------------------------
FABRIC_LOG_FORMAT='%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x} %{message}'
export FABRIC_LOGGING_FORMAT="$FABRIC_LOG_FORMAT"
start_orderer() {
  local i="$1" d
  d="$(ord_dir "$i")"
  mkdir -p "$RUN_DIR/data/orderer$i"
  start_proc "orderer$i" "$BIN/orderer" env \
    FABRIC_CFG_PATH="$CFG" \
    FABRIC_LOGGING_SPEC=INFO \
    FABRIC_LOGGING_FORMAT="$FABRIC_LOG_FORMAT" \
    ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
    ORDERER_GENERAL_LISTENPORT="$(orderer_port "$i")" \
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
    ORDERER_GENERAL_LOCALMSPDIR="$d/msp" \
    ORDERER_GENERAL_TLS_ENABLED=true \
    ORDERER_GENERAL_TLS_PRIVATEKEY="$d/tls/server.key" \
    ORDERER_GENERAL_TLS_CERTIFICATE="$d/tls/server.crt" \
    ORDERER_GENERAL_TLS_ROOTCAS="[$d/tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$d/tls/server.crt" \
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$d/tls/server.key" \
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[$d/tls/ca.crt]" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
    ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_FILELEDGER_LOCATION="$RUN_DIR/data/orderer$i/ledger" \
    ORDERER_CONSENSUS_WALDIR="$RUN_DIR/data/orderer$i/etcdraft/wal" \
    ORDERER_CONSENSUS_SNAPDIR="$RUN_DIR/data/orderer$i/etcdraft/snapshot" \
    ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_ops_port "$i")" \
    ORDERER_METRICS_PROVIDER=prometheus \
    ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(orderer_admin_port "$i")" \
    ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_PRIVATEKEY="$d/tls/server.key" \
    ORDERER_ADMIN_TLS_CERTIFICATE="$d/tls/server.crt" \
    ORDERER_ADMIN_TLS_ROOTCAS="[$d/tls/ca.crt]" \
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$d/tls/ca.crt]" \
    "$BIN/orderer"
}

start_peer() {
  local n="$1" d addr
  d="$(peer_dir "$n")"
  addr="127.0.0.1:$(peer_port "$n")"
  mkdir -p "$RUN_DIR/data/peer0.org$n"
  start_proc "peer0.org$n" "$BIN/peer node start" env \
    FABRIC_CFG_PATH="$CFG" \
    FABRIC_LOGGING_SPEC="${COVENANT_PEER_LOGGING_SPEC:-INFO}" \
    FABRIC_LOGGING_FORMAT="$FABRIC_LOG_FORMAT" \
    CORE_PEER_ID="peer0.$(org_domain "$n")" \
    CORE_PEER_NETWORKID=covenant \
    CORE_PEER_ADDRESS="$addr" \
    CORE_PEER_LISTENADDRESS="$addr" \
    CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_cc_port "$n")" \
    CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_cc_port "$n")" \
    CORE_PEER_GOSSIP_BOOTSTRAP="$addr" \
    CORE_PEER_GOSSIP_ENDPOINT="$addr" \
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="$addr" \
    CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
    CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL=2s \
    CORE_PEER_LOCALMSPID="$(org_msp "$n")" \
    CORE_PEER_MSPCONFIGPATH="$d/msp" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_CERT_FILE="$d/tls/server.crt" \
    CORE_PEER_TLS_KEY_FILE="$d/tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$d/tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$RUN_DIR/data/peer0.org$n" \
    CORE_PEER_PROFILE_ENABLED=false \
    CORE_PEER_PROFILE_LISTENADDRESS=127.0.0.1:0 \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$RUN_DIR/data/peer0.org$n/snapshots" \
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "$n")" \
    CORE_METRICS_PROVIDER=prometheus \
    CORE_VM_ENDPOINT= \
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas_builder, path: $NET_DIR/ccaas-builder, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]" \
    CORE_CHAINCODE_LOGGING_LEVEL=INFO \
    "$BIN/peer" node start
}

# cli_env ORG IDENTITY-DIR : environment of the peer CLI, as an identity of ORG, aimed at ORG's peer
cli_env() {
  export FABRIC_CFG_PATH="$CFG"
  export FABRIC_LOGGING_SPEC="${COVENANT_CLI_LOGGING_SPEC:-WARNING}"
  export CORE_PEER_LOCALMSPID
  CORE_PEER_LOCALMSPID="$(org_msp "$1")"
  export CORE_PEER_MSPCONFIGPATH="$2/msp"
  export CORE_PEER_ADDRESS
  CORE_PEER_ADDRESS="$(peer_addr "$1")"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_TLS_ROOTCERT_FILE
  CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tlsca "$1")"
}
as_admin() { # as_admin ORG CMD... (in a subshell)
  local n="$1"
  shift
  (cli_env "$n" "$(user_dir "$n" Admin)" && "$@")
}
as_user() { # as_user NAME CMD...
  local name="$1"
  shift
  lookup_user "$name" || fail "unknown user $name (known: bank alice bob dave carol arbiter admin1 admin2 admin3)"
  (cli_env "$U_ORG" "$(user_dir "$U_ORG" "$U_CN")" && "$@")
}
orderer_args() { echo "-o $(orderer_addr 0) --tls --cafile $(ORD_TLSCA)"; }
all_peer_args() {
  local n
  for n in "${ORGS[@]}"; do printf -- '--peerAddresses %s --tlsRootCertFiles %s ' "$(peer_addr "$n")" "$(peer_tlsca "$n")"; done
}

channel_height() { # channel_height ORG -> height or empty
  as_admin "$1" "$BIN/peer" channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# --------------------------------------------------------------------------------------------
# Chaincode
# --------------------------------------------------------------------------------------------
ensure_chaincode_built() {
  [ -x "$CC_SERVER_JS" ] || [ -f "$CC_SERVER_JS" ] ||
    fail "$CC_SERVER_JS not found: run \`npm ci\` at the repository root first"
  if [ "${1:-}" = rebuild ] || [ ! -f "$CC_DIR/dist/index.js" ]; then
    run_logged "npm run build -w chaincode" bash -c "cd '$REPO_DIR' && npm run build -w chaincode"
  fi
  [ -f "$CC_DIR/dist/index.js" ] || fail "$CC_DIR/dist/index.js missing after the build"
}

# package_cc ORG SEQUENCE -> writes the package, prints its path
package_cc() {
  local n="$1" seq="$2" label d
  label="${CC_NAME}_v$seq"
  d="$RUN_DIR/chaincode/$label/org$n"
  rm -rf "$d"
  mkdir -p "$d"
  node "$NET_DIR/lib/helpers.js" ccpackage-json "$(cc_addr "$n" "$seq")" "$label" "$d"
  # Deterministic archives: the package id is label:sha256(package bytes).
  local tflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar "${tflags[@]}" -C "$d/src" -cf - connection.json | gzip -n >"$d/code.tar.gz"
  tar "${tflags[@]}" -C "$d" -cf - metadata.json code.tar.gz | gzip -n >"$d/$label.tgz"
  printf '%s' "$d/$label.tgz"
}

# install_chaincode SEQUENCE : package (deterministic) and install on each peer; sets PKGID_<org>
install_chaincode() {
  local seq="$1" n pkg pkgid out label="${CC_NAME}_v$1"
  for n in "${ORGS[@]}"; do
    pkg="$(package_cc "$n" "$seq")"
    pkgid="$(capture "calculatepackageid org$n" "$BIN/peer" lifecycle chaincode calculatepackageid "$pkg")"
    printf -v "PKGID_$n" '%s' "$pkgid"
    out="$(as_admin "$n" "$BIN/peer" lifecycle chaincode queryinstalled --output json 2>>"$CLI_LOG" || true)"
    if printf '%s' "$out" | grep -qF "\"$pkgid\""; then
      printf '    org%s: %s already installed\n' "$n" "$pkgid" >>"$CLI_LOG"
    else
      run_logged "install $label on peer0.org$n" as_admin "$n" "$BIN/peer" lifecycle chaincode install "$pkg"
    fi
  done
}

# start_chaincode_servers SEQUENCE NAME-SUFFIX : one fabric-chaincode-node server per org (native)
start_chaincode_servers() {
  local seq="$1" suffix="$2" n name port id_var
  for n in "${ORGS[@]}"; do
    name="chaincode.org$n$suffix"
    id_var="PKGID_$n"
    port="$(cc_port "$n" "$seq")"
    port_busy "$port" && fail "port $port (chaincode server org$n) is already in use"
    start_proc "$name" "--chaincode-id=${!id_var}" env \
      CORE_CHAINCODE_LOGGING_LEVEL=INFO \
      CORE_CHAINCODE_LOGGING_SHIM=INFO \
      node "$CC_SERVER_JS" server \
      --chaincode-address="127.0.0.1:$port" \
      --chaincode-id="${!id_var}" \
      --module-path="$CC_DIR"
  done
  for n in "${ORGS[@]}"; do
    STEP_LOG="$LOGS/chaincode.org$n$suffix.log"
    wait_until "chaincode server org$n listening on $(cc_port "$n" "$seq")" "$WAIT_SECS" "chaincode.org$n$suffix" port_busy "$(cc_port "$n" "$seq")"
  done
}

# approve_and_commit SEQUENCE : approveformyorg x3 (skipped where already approved), commit
approve_and_commit() {
  local seq="$1" n out id_var committed
  for n in "${ORGS[@]}"; do
    id_var="PKGID_$n"
    out="$(as_admin 1 "$BIN/peer" lifecycle chaincode checkcommitreadiness --channelID "$CHANNEL" --name "$CC_NAME" \
      --version "v$seq" --sequence "$seq" --signature-policy "$CC_POLICY" --output json 2>>"$CLI_LOG" || true)"
    if printf '%s' "$out" | grep -q "\"Org${n}MSP\": *true"; then continue; fi
    # shellcheck disable=SC2046
    run_logged "approveformyorg Org${n}MSP" as_admin "$n" "$BIN/peer" lifecycle chaincode approveformyorg \
      $(orderer_args) --channelID "$CHANNEL" --name "$CC_NAME" --version "v$seq" \
      --package-id "${!id_var}" --sequence "$seq" --signature-policy "$CC_POLICY" --waitForEvent
  done
  out="$(capture "checkcommitreadiness" as_admin 1 "$BIN/peer" lifecycle chaincode checkcommitreadiness \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "v$seq" --sequence "$seq" --signature-policy "$CC_POLICY" --output json)"
  if printf '%s' "$out" | grep -q false; then fail "not every organisation approved: $out"; fi
  # shellcheck disable=SC2046
  run_logged "commit" as_admin 1 "$BIN/peer" lifecycle chaincode commit $(orderer_args) \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "v$seq" --sequence "$seq" --signature-policy "$CC_POLICY" $(all_peer_args) --waitForEvent
  out="$(capture "querycommitted" as_admin 1 "$BIN/peer" lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" --output json)"
  committed="$(printf '%s' "$out" | node "$NET_DIR/lib/helpers.js" get - sequence)"
  [ "$committed" = "$seq" ] || fail "querycommitted reports sequence $committed, expected $seq"
  mkdir -p "$STATE"
  {
    printf 'CC_SEQUENCE=%s\nCC_VERSION=v%s\nCC_LABEL=%s_v%s\n' "$seq" "$seq" "$CC_NAME" "$seq"
    for n in "${ORGS[@]}"; do id_var="PKGID_$n"; printf 'PKGID_%s=%s\n' "$n" "${!id_var}"; done
  } >"$STATE/chaincode.env"
}

# deploy_chaincode SEQUENCE NAME-SUFFIX : package, install, start servers, approve, commit (native)
deploy_chaincode() {
  local seq="$1" suffix="${2:-}" label="${CC_NAME}_v$1"
  step "package + install chaincode $label on 3 peers"
  install_chaincode "$seq"
  done_step "$PKGID_1 (org1) ..."

  step "start chaincode servers (fabric-chaincode-node server) for $label"
  start_chaincode_servers "$seq" "$suffix"
  done_step "ports $(cc_port 1 "$seq"), $(cc_port 2 "$seq"), $(cc_port 3 "$seq")"

  step "approve + commit $CC_NAME sequence $seq (Org1MSP, Org2MSP, Org3MSP)"
  approve_and_commit "$seq"
  done_step "sequence $seq committed"
}

init_consortium() {
  local ctor
  ctor="$(node "$NET_DIR/lib/helpers.js" seed \
    "$(user_dir 1 User1)/msp/signcerts/User1@org1.example.com-cert.pem" \
    "$(user_dir 3 User2)/msp/signcerts/User2@org3.example.com-cert.pem")"
  run_logged "invoke consortium:init" invoke_as admin1 "$ctor"
}

invoke_as() { # invoke_as USER CTOR-JSON
  # shellcheck disable=SC2046
  as_user "$1" "$BIN/peer" chaincode invoke $(orderer_args) -C "$CHANNEL" -n "$CC_NAME" $(all_peer_args) -c "$2" --waitForEvent
}
query_as() { # query_as USER CTOR-JSON
  as_user "$1" "$BIN/peer" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "$2"
}

# --------------------------------------------------------------------------------------------
# Gateway files
# --------------------------------------------------------------------------------------------
# write_gateway_files OUT-DIR [PATH-PREFIX] : the gateway's connection.json, identities.json and
# dev-credentials.json. PATH-PREFIX replaces the repository path in the file paths written (the
# compose gateway sees the repository at /covenant).
write_gateway_files() {
  local out="$1" prefix="${2:-$REPO_DIR}" spec="$STATE/gateway-spec.json" entry n first=1
  mkdir -p "$STATE" "$out"
  mapped() {
    if [ "$prefix" = "$REPO_DIR" ]; then printf '%s' "$1"; else printf '%s%s' "$prefix" "${1#"$REPO_DIR"}"; fi
  }
  {
    printf '{"outDir":"%s","channel":"%s","chaincode":"%s","organizations":{' "$out" "$CHANNEL" "$CC_NAME"
    for n in "${ORGS[@]}"; do
      [ "$first" = 1 ] || printf ','
      first=0
      printf '"%s":{"peerEndpoint":"%s","hostAlias":"peer0.%s","tlsRootCert":"%s"}' \
        "$(org_msp "$n")" "$(peer_addr "$n")" "$(org_domain "$n")" "$(mapped "$(peer_tlsca "$n")")"
    done
    printf '},"users":['
    first=1
    for entry in "${USERS[@]}"; do
      IFS=: read -r name org cn roles <<<"$entry"
      local ud roles_json="[]"
      ud="$(user_dir "$org" "$cn")"
      [ -n "$roles" ] && roles_json="[\"${roles//,/\",\"}\"]"
      [ "$first" = 1 ] || printf ','
      first=0
      printf '{"name":"%s","mspId":"%s","roles":%s,"certificatePath":"%s","privateKeyPath":"%s"}' \
        "$name" "$(org_msp "$org")" "$roles_json" \
        "$(mapped "$ud/msp/signcerts/$cn@$(org_domain "$org")-cert.pem")" "$(mapped "$ud/msp/keystore/priv_sk")"
    done
    printf ']}\n'
  } >"$spec"
  if [ "$prefix" = "$REPO_DIR" ]; then
    node "$NET_DIR/lib/helpers.js" gateway-files "$spec"
  else
    COVENANT_SKIP_PATH_CHECK=1 node "$NET_DIR/lib/helpers.js" gateway-files "$spec"
  fi
}

# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------
cmd_up() {
  local i n t_up
  t_up=$(now_ms)
  log "Covenant Fabric network: run dir $RUN_DIR, base port $BASE_PORT"

  step "check for a running network" ""
  if [ -d "$RUN_DIR" ]; then
    if any_alive; then
      STEP_LOG=""
      NO_HINT=1
      fail "a network is already running from $RUN_DIR (see \`bash network/network.sh status\`); run \`bash network/network.sh down\` first"
    fi
    if [ -f "$MARKER" ]; then
      rm -rf "$RUN_DIR"
      done_step "removed the stale run dir of a stopped network"
    else
      STEP_LOG=""
      fail "$RUN_DIR exists and was not made by network.sh: refusing to touch it (set COVENANT_NETWORK_DIR)"
    fi
  else
    done_step "none"
  fi
  step "check ports 127.0.0.1:$BASE_PORT.. are free"
  for i in $(all_ports); do
    port_busy "$i" && { STEP_LOG=""; NO_HINT=1; fail "port $i is in use on 127.0.0.1 (choose another COVENANT_NET_BASE_PORT)"; }
  done
  done_step

  # mkdir without -p is atomic: of two concurrent `up`s only one gets the run dir.
  mkdir -p "$(dirname "$RUN_DIR")"
  mkdir "$RUN_DIR" 2>/dev/null || { STEP_LOG=""; NO_HINT=1; fail "another network.sh up created $RUN_DIR just now"; }
  mkdir -p "$PIDS" "$LOGS" "$CFG" "$STATE" "$RUN_DIR/blocks" "$RUN_DIR/data"
  printf 'covenant network run dir, created %s by network/network.sh\n' "$(date -u +%FT%TZ)" >"$MARKER"
  echo $$ >"$PIDS/up.pid"

  install_fabric
  log "    fabric pin: $(cat "$BIN/.fabric-version")"

  step "build chaincode (if dist/ is missing)"
  ensure_chaincode_built
  done_step

  step "config: core.yaml, orderer.yaml from the Fabric module's sampleconfig"
  cp "$FABRIC_HOME/config/core.yaml" "$FABRIC_HOME/config/orderer.yaml" "$CFG/"
  chmod u+w "$CFG/core.yaml" "$CFG/orderer.yaml"
  patch_core_yaml "$CFG/core.yaml"
  done_step "vm.endpoint emptied, externalBuilders -> network/ccaas-builder"

  crypto_step "cryptogen: orderer org, Org1MSP..Org3MSP, NodeOUs, 127.0.0.1 SANs"
  genesis_step "configtxgen"

  step "start 3 Raft orderers"
  start_healthy start_orderer orderer_ops_port orderer "${ORDERERS[@]}"
  done_step "ports $(orderer_port 0), $(orderer_port 1), $(orderer_port 2)"

  step "orderers join channel '$CHANNEL' (osnadmin)"
  local atls
  atls="$(ORD_ADMIN_TLS)"
  for i in "${ORDERERS[@]}"; do
    run_logged "osnadmin channel join orderer$i" "$BIN/osnadmin" channel join --channelID "$CHANNEL" --config-block "$BLOCK" \
      -o "$(orderer_admin_addr "$i")" --ca-file "$(ORD_TLSCA)" \
      --client-cert "$atls/client.crt" --client-key "$atls/client.key"
  done
  leader_elected() { grep -qE "Raft leader changed: [0-9]+ -> [1-9]" "$LOGS"/orderer*.log; }
  STEP_LOG="$LOGS/orderer0.log"
  wait_until "a Raft leader for '$CHANNEL'" "$WAIT_SECS" orderer0 leader_elected
  done_step

  step "start 3 peers"
  start_healthy start_peer peer_ops_port peer0.org "${ORGS[@]}"
  done_step "ports $(peer_port 1), $(peer_port 2), $(peer_port 3)"

  step "peers join channel '$CHANNEL'"
  for n in "${ORGS[@]}"; do
    run_logged "peer channel join org$n" as_admin "$n" "$BIN/peer" channel join -b "$BLOCK"
  done
  for n in "${ORGS[@]}"; do
    has_height() { local h; h="$(channel_height "$1")"; [ -n "$h" ] && [ "$h" -ge 1 ]; }
    wait_until "peer0.org$n has the channel" "$WAIT_SECS" "peer0.org$n" has_height "$n"
  done
  done_step

  ensure_chaincode_built
  deploy_chaincode 1 ""

  step "init: consortium:init as Org1 admin (members Org1MSP..Org3MSP; bank issuer, arbiter arbitrator)"
  init_consortium
  local cfg
  cfg="$(capture "query consortium:getConfig" query_as admin1 '{"Args":["consortium:getConfig"]}')"
  printf '%s' "$cfg" | grep -q '"Org3MSP"' || fail "consortium:getConfig did not return the members: $cfg"
  done_step "$cfg"

  step "discovery: every peer sees the other organisations' peers (gossip)"
  gossip_full() {
    local n m view
    for n in "${ORGS[@]}"; do
      view="$(grep -a "current view" "$LOGS/peer0.org$n.log" | tail -n 1)"
      for m in "${ORGS[@]}"; do
        [ "$m" = "$n" ] && continue
        printf '%s' "$view" | grep -qF "127.0.0.1:$(peer_port "$m")" || return 1
      done
    done
  }
  STEP_LOG="$LOGS/peer0.org1.log"
  wait_until "gossip membership of all three peers" "$WAIT_SECS" "" gossip_full
  done_step

  step "gateway files in $GW_DIR"
  write_gateway_files "$GW_DIR"
  done_step "connection.json identities.json dev-credentials.json (0600)"

  rm -f "$PIDS/up.pid"
  log ""
  log "network up in $(secs_since "$t_up")s: channel '$CHANNEL', chaincode '$CC_NAME' sequence 1"
  log "  peers:    Org1MSP 127.0.0.1:$(peer_port 1)  Org2MSP 127.0.0.1:$(peer_port 2)  Org3MSP 127.0.0.1:$(peer_port 3)"
  log "  orderers: 127.0.0.1:$(orderer_port 0) 127.0.0.1:$(orderer_port 1) 127.0.0.1:$(orderer_port 2)"
  log "  gateway:  COVENANT_LEDGER=fabric reads $GW_DIR/{connection,identities}.json; API keys in dev-credentials.json"
  log "  next:     bash network/network.sh status | logs | down"
}

cmd_down() {
  local f name stopped=0
  log "Covenant Fabric network: run dir $RUN_DIR"
  step "stop recorded processes"
  if [ -d "$PIDS" ]; then
    # chaincode servers first, then peers, then orderers; each group in parallel
    for pat in 'chaincode.*' 'peer*' 'orderer*' '*'; do
      local group=()
      for f in "$PIDS"/$pat.pid; do
        [ -e "$f" ] || continue
        name="$(basename "$f" .pid)"
        if [ "$name" = up ] || [ "$name" = upgrade ]; then
          if kill -0 "$(cat "$f")" 2>/dev/null; then
            warn "network.sh $name (pid $(cat "$f")) is still running; it will fail once its processes are gone"
          fi
          rm -f "$f"
          continue
        fi
        group+=("$name")
      done
      [ "${#group[@]}" -gt 0 ] || continue
      stop_procs "${group[@]}"
      stopped=$((stopped + ${#group[@]}))
    done
  fi
  done_step "$stopped process(es)"

  step "remove run dir and gateway files"
  if [ -n "${COVENANT_NET_KEEP_LOGS:-}" ] && [ -d "$LOGS" ]; then
    mkdir -p "$COVENANT_NET_KEEP_LOGS"
    cp -R "$LOGS/." "$COVENANT_NET_KEEP_LOGS/"
    log "    logs copied to $COVENANT_NET_KEEP_LOGS"
  fi
  if [ -d "$RUN_DIR" ]; then
    if [ -f "$MARKER" ]; then
      rm -rf "$RUN_DIR"
    else
      STEP_LOG=""
      fail "$RUN_DIR has no network.sh marker: refusing to delete it"
    fi
  fi
  for f in connection.json identities.json dev-credentials.json; do rm -f "$GW_DIR/$f"; done
  rmdir "$GW_DIR" 2>/dev/null || true
  done_step "$RUN_DIR, $GW_DIR/{connection,identities,dev-credentials}.json"
}

proc_names() {
  local i n
  for i in "${ORDERERS[@]}"; do echo "orderer$i"; done
  for n in "${ORGS[@]}"; do echo "peer0.org$n"; done
  for n in "${ORGS[@]}"; do echo "chaincode.org$n"; done
  if [ -d "$PIDS" ]; then
    for f in "$PIDS"/chaincode.*.next.pid; do [ -e "$f" ] && basename "$f" .pid; done
  fi
  return 0
}

proc_endpoint() {
  case "$1" in
    orderer*) local i="${1#orderer}"; echo "127.0.0.1:$(orderer_port "$i") admin :$(orderer_admin_port "$i") ops :$(orderer_ops_port "$i")" ;;
    peer0.org*) local n="${1#peer0.org}"; echo "127.0.0.1:$(peer_port "$n") ops :$(peer_ops_port "$n")" ;;
    chaincode.org*)
      local n="${1#chaincode.org}" seq=1
      n="${n%%.*}"
      [ -f "$STATE/chaincode.env" ] && seq="$(sed -n 's/^CC_SEQUENCE=//p' "$STATE/chaincode.env")"
      [[ "$1" == *.next ]] && seq=$((seq + 1))
      echo "127.0.0.1:$(cc_port "$n" "$seq")"
      ;;
  esac
}

cmd_status() {
  local name pid state down=0 n
  if [ ! -d "$RUN_DIR" ]; then
    log "no network: $RUN_DIR does not exist"
    return 3
  fi
  printf '%-22s %-8s %-6s %s\n' PROCESS PID STATE ENDPOINT
  while read -r name; do
    pid="$(pid_of "$name")"
    if alive "$name"; then state=up; else state=down; down=$((down + 1)); fi
    printf '%-22s %-8s %-6s %s\n' "$name" "${pid:--}" "$state" "$(proc_endpoint "$name")"
  done < <(proc_names)
  local heights="" h
  for n in "${ORGS[@]}"; do
    h=""
    alive "peer0.org$n" && h="$(channel_height "$n" || true)"
    heights="$heights peer0.org$n=${h:-?}"
  done
  log "channel $CHANNEL height:$heights"
  if alive peer0.org1; then
    local out
    out="$(as_admin 1 "$BIN/peer" lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" 2>/dev/null || true)"
    log "chaincode: ${out:-not committed}" | head -n 2
  fi
  log "gateway files: $( [ -f "$GW_DIR/connection.json" ] && echo "$GW_DIR" || echo missing)"
  if [ "$down" -gt 0 ]; then
    log "$down process(es) down"
    return 3
  fi
}

cmd_logs() {
  local name="${1:-}" follow="${2:-}"
  [ -d "$LOGS" ] || { log "no logs: $LOGS does not exist"; return 1; }
  if [ "$name" = "-f" ]; then name=""; follow=-f; fi
  if [ -z "$name" ]; then
    local f
    for f in "$LOGS"/*.log; do
      [ -e "$f" ] || continue
      printf '\n===== %s =====\n' "$(basename "$f" .log)"
      tail -n 20 "$f"
    done
    return 0
  fi
  [ -f "$LOGS/$name.log" ] || { log "no log for '$name'; available: $(cd "$LOGS" && ls -- *.log | sed 's/\.log$//' | tr '\n' ' ')"; return 1; }
  if [ "$follow" = "-f" ]; then
    exec tail -n 100 -f "$LOGS/$name.log"
  fi
  tail -n 200 "$LOGS/$name.log"
}

cmd_upgrade() {
  local cur next before_cfg after_cfg before_acct="" after_acct="" n t0
  t0=$(now_ms)
  if [ ! -f "$MARKER" ] || ! alive peer0.org1; then
    log "no running network in $RUN_DIR: run \`bash network/network.sh up\` first"
    return 1
  fi
  for n in "${ORGS[@]}"; do alive "peer0.org$n" || { log "peer0.org$n is down: see status"; return 1; }; done
  if [ -f "$PIDS/upgrade.pid" ] && kill -0 "$(cat "$PIDS/upgrade.pid")" 2>/dev/null; then
    log "an upgrade is already running (pid $(cat "$PIDS/upgrade.pid"))"
    return 1
  fi
  echo $$ >"$PIDS/upgrade.pid"

  step "read the committed chaincode definition"
  local out
  out="$(capture "querycommitted" as_admin 1 "$BIN/peer" lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" --output json)"
  cur="$(printf '%s' "$out" | node "$NET_DIR/lib/helpers.js" get - sequence)"
  next=$((cur + 1))
  done_step "sequence $cur -> $next"

  step "state before the upgrade"
  before_cfg="$(capture "query getConfig (before)" query_as admin1 '{"Args":["consortium:getConfig"]}')"
  before_acct="$(query_as alice '{"Args":["accounts:getOwnAccount"]}' 2>/dev/null || true)"
  done_step "config $before_cfg${before_acct:+; alice $before_acct}"

  step "rebuild chaincode (npm run build -w chaincode)"
  ensure_chaincode_built rebuild
  done_step

  deploy_chaincode "$next" ".next"

  step "state after the upgrade (served by the new chaincode servers)"
  after_cfg="$(capture "query getConfig (after)" query_as admin1 '{"Args":["consortium:getConfig"]}')"
  [ "$after_cfg" = "$before_cfg" ] || fail "consortium config changed across the upgrade: before $before_cfg after $after_cfg"
  if [ -n "$before_acct" ]; then
    after_acct="$(capture "query alice getOwnAccount (after)" query_as alice '{"Args":["accounts:getOwnAccount"]}')"
    [ "$after_acct" = "$before_acct" ] || fail "alice's account changed across the upgrade: before $before_acct after $after_acct"
  fi
  # Every peer must now run the new package: query through each organisation's peer and check
  # that each new server registered with its peer.
  local m
  for m in "${ORGS[@]}"; do
    after_cfg="$(capture "query getConfig through peer0.org$m (after)" query_as "admin$m" '{"Args":["consortium:getConfig"]}')"
    [ "$after_cfg" = "$before_cfg" ] || fail "consortium config read through peer0.org$m differs: $after_cfg"
  done
  for m in "${ORGS[@]}"; do
    STEP_LOG="$LOGS/chaincode.org$m.next.log"
    wait_until "peer0.org$m connected to its new chaincode server" 30 "chaincode.org$m.next" \
      log_has "$LOGS/chaincode.org$m.next.log" "Successfully registered with peer"
  done
  done_step "unchanged; the three new servers serve their peers"

  step "retire the sequence $cur chaincode servers"
  for n in "${ORGS[@]}"; do
    stop_proc "chaincode.org$n"
    [ -f "$LOGS/chaincode.org$n.log" ] && mv "$LOGS/chaincode.org$n.log" "$LOGS/chaincode.org$n.v$cur.log"
    mv "$PIDS/chaincode.org$n.next.pid" "$PIDS/chaincode.org$n.pid"
    mv "$PIDS/chaincode.org$n.next.cmd" "$PIDS/chaincode.org$n.cmd"
    mv "$LOGS/chaincode.org$n.next.log" "$LOGS/chaincode.org$n.log"
  done
  # A query after the old servers are gone proves the peers use the new ones.
  for m in "${ORGS[@]}"; do
    after_cfg="$(capture "query getConfig through peer0.org$m (old servers gone)" query_as "admin$m" '{"Args":["consortium:getConfig"]}')"
    [ "$after_cfg" = "$before_cfg" ] || fail "consortium config differs when read through peer0.org$m"
  done
  done_step
  rm -f "$PIDS/upgrade.pid"
  log ""
  log "upgrade done in $(secs_since "$t0")s: $CC_NAME sequence $next (label ${CC_NAME}_v$next), state kept"
}

# --------------------------------------------------------------------------------------------
# docker-compose support: compose-init (host) and compose-setup (the compose `setup` service)
# --------------------------------------------------------------------------------------------
# retry_logged TRIES DELAY DESC CMD... : run_logged with bounded retries (containers start in any order)
retry_logged() {
  local tries="$1" delay="$2" desc="$3" k
  shift 3
  for ((k = 1; k <= tries; k++)); do
    printf '\n### %s %s (attempt %s/%s)\n### %s\n' "$(date -u +%FT%TZ)" "$desc" "$k" "$tries" "$*" >>"$CLI_LOG"
    if "$@" >>"$CLI_LOG" 2>&1; then return 0; fi
    sleep "$delay"
  done
  STEP_LOG="$CLI_LOG"
  fail "$desc failed after $tries attempts"
}

cmd_compose_init() {
  local n pkg pkgid
  log "docker-compose material for the Covenant network: $RUN_DIR"
  step "check $RUN_DIR" ""
  case "$RUN_DIR" in "$REPO_DIR"/*) ;; *) fail "COVENANT_COMPOSE_DIR must be inside the repository ($REPO_DIR): docker-compose.yaml mounts it from there" ;; esac
  [ -d "$RUN_DIR" ] && fail "$RUN_DIR exists. To regenerate: docker compose down -v, then delete $RUN_DIR"
  mkdir -p "$RUN_DIR" "$LOGS" "$CFG" "$STATE" "$RUN_DIR/blocks"
  printf 'covenant docker-compose material, created %s by network/network.sh compose-init\n' "$(date -u +%FT%TZ)" >"$MARKER"
  done_step

  install_fabric

  step "config: core.yaml for the peer CLI of the setup service"
  cp "$FABRIC_HOME/config/core.yaml" "$CFG/"
  chmod u+w "$CFG/core.yaml"
  patch_core_yaml "$CFG/core.yaml"
  done_step

  crypto_step "cryptogen; container hostnames are the nodes' own names"
  genesis_step "orderer0..2.example.com:7050, anchor peers peer0.orgN.example.com:7051"

  step "chaincode packages covenant_v1 (ccaas, chaincode-orgN:9999) and package ids"
  for n in "${ORGS[@]}"; do
    pkg="$(package_cc "$n" 1)"
    pkgid="$(capture "calculatepackageid org$n" "$BIN/peer" lifecycle chaincode calculatepackageid "$pkg")"
    printf '%s\n' "$pkgid" >"$RUN_DIR/chaincode-org$n.id"
  done
  done_step

  step "gateway files for the compose gateway (paths under /covenant)"
  write_gateway_files "$RUN_DIR/gateway-data/fabric" /covenant
  done_step "$RUN_DIR/gateway-data/fabric"
  log ""
  log "next: docker compose up -d   (the setup service joins the channel, deploys and initialises the chaincode)"
  log "      API keys: $RUN_DIR/gateway-data/fabric/dev-credentials.json"
}

cmd_compose_setup() {
  local i n atls out
  log "Covenant compose network setup (material in $RUN_DIR)"
  step "check material and binaries" ""
  [ -f "$MARKER" ] || fail "$RUN_DIR has no material: run \`bash network/network.sh compose-init\` on the host first"
  for i in peer osnadmin; do [ -x "$BIN/$i" ] || fail "$BIN/$i missing (mount the host's Fabric binaries, COVENANT_FABRIC_HOME)"; done
  mkdir -p "$LOGS"
  done_step

  step "orderers join channel '$CHANNEL' (osnadmin)"
  atls="$(ORD_ADMIN_TLS)"
  osn() { "$BIN/osnadmin" channel "$@" --ca-file "$(ORD_TLSCA)" --client-cert "$atls/client.crt" --client-key "$atls/client.key"; }
  osn_join() {
    osn list --channelID "$CHANNEL" -o "$(orderer_admin_addr "$1")" >/dev/null 2>&1 && return 0
    osn join --channelID "$CHANNEL" --config-block "$BLOCK" -o "$(orderer_admin_addr "$1")"
  }
  for i in "${ORDERERS[@]}"; do retry_logged 30 2 "orderer$i joins $CHANNEL" osn_join "$i"; done
  done_step

  step "peers join channel '$CHANNEL'"
  peer_join() {
    as_admin "$1" "$BIN/peer" channel list 2>/dev/null | grep -qx "$CHANNEL" && return 0
    as_admin "$1" "$BIN/peer" channel join -b "$BLOCK"
  }
  peer_has_height() { local h; h="$(channel_height "$1")"; [ -n "$h" ] && [ "$h" -ge 1 ]; }
  for n in "${ORGS[@]}"; do retry_logged 30 2 "peer0.org$n joins $CHANNEL" peer_join "$n"; done
  for n in "${ORGS[@]}"; do retry_logged 30 2 "peer0.org$n has the channel" peer_has_height "$n"; done
  done_step

  out="$(as_admin 1 "$BIN/peer" lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" --output json 2>/dev/null || true)"
  if [ -n "$out" ]; then
    log "==> chaincode $CC_NAME already committed: skipping install/approve/commit"
  else
    step "install chaincode covenant_v1 on 3 peers"
    install_chaincode 1
    done_step
    step "approve + commit $CC_NAME sequence 1"
    # The first approval also waits out the Raft leader election.
    # shellcheck disable=SC2046
    retry_logged 20 3 "orderer accepts transactions (approve Org1MSP)" as_admin 1 "$BIN/peer" lifecycle chaincode approveformyorg \
      $(orderer_args) --channelID "$CHANNEL" --name "$CC_NAME" --version v1 --package-id "$PKGID_1" --sequence 1 --signature-policy "$CC_POLICY" --waitForEvent
    approve_and_commit 1
    done_step
  fi

  step "init: consortium:init as Org1 admin"
  if query_as admin1 '{"Args":["consortium:getConfig"]}' >/dev/null 2>&1; then
    done_step "already initialised"
  else
    local ctor
    ctor="$(node "$NET_DIR/lib/helpers.js" seed \
      "$(user_dir 1 User1)/msp/signcerts/User1@org1.example.com-cert.pem" \
      "$(user_dir 3 User2)/msp/signcerts/User2@org3.example.com-cert.pem")"
    retry_logged 20 3 "invoke consortium:init" invoke_as admin1 "$ctor"
    done_step "$(query_as admin1 '{"Args":["consortium:getConfig"]}')"
  fi
}

cmd_env() {
  local name="${1:?usage: network.sh env USER}"
  lookup_user "$name" || { log "unknown user $name"; return 1; }
  cat <<EOF
export PATH="$BIN:\$PATH"
export FABRIC_CFG_PATH="$CFG"
export CORE_PEER_LOCALMSPID="$(org_msp "$U_ORG")"
export CORE_PEER_MSPCONFIGPATH="$(user_dir "$U_ORG" "$U_CN")/msp"
export CORE_PEER_ADDRESS="$(peer_addr "$U_ORG")"
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tlsca "$U_ORG")"
export ORDERER_ADDRESS="$(orderer_addr 0)"
export ORDERER_CA="$(ORD_TLSCA)"
EOF
}

cmd_ports() {
  local i n
  log "base port B=$BASE_PORT (COVENANT_NET_BASE_PORT); every listener binds 127.0.0.1"
  for i in "${ORDERERS[@]}"; do
    log "  orderer$i      grpc $(orderer_port "$i")  admin $(orderer_admin_port "$i")  operations $(orderer_ops_port "$i")"
  done
  for n in "${ORGS[@]}"; do
    log "  peer0.org$n    grpc $(peer_port "$n")  chaincode $(peer_cc_port "$n")  operations $(peer_ops_port "$n")"
  done
  for n in "${ORGS[@]}"; do
    log "  chaincode.org$n server $(cc_port "$n" 1) (odd sequences) / $(cc_port "$n" 2) (even sequences)"
  done
}

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

CMD="${1:-}"
[ $# -gt 0 ] && shift
case "$CMD" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  logs) cmd_logs "$@" ;;
  upgrade) cmd_upgrade "$@" ;;
  install)
    install_fabric "${1:-}"
    log "fabric pin: $(cat "$BIN/.fabric-version")"
    ;;
  invoke | query)
    [ $# -ge 2 ] || { log "usage: network.sh $CMD USER FUNCTION [ARG...]"; exit 2; }
    [ -f "$MARKER" ] || { log "no network in $RUN_DIR"; exit 1; }
    user="$1"
    shift
    ctor="$(node "$NET_DIR/lib/helpers.js" ctor "$@")"
    if [ "$CMD" = invoke ]; then
      # INFO makes the peer CLI print "Chaincode invoke successful. result: status:200 payload:..."
      COVENANT_CLI_LOGGING_SPEC=INFO invoke_as "$user" "$ctor"
    else
      query_as "$user" "$ctor"
    fi
    ;;
  env) cmd_env "$@" ;;
  compose-init) cmd_compose_init "$@" ;;
  compose-setup) cmd_compose_setup "$@" ;;
  ports) cmd_ports ;;
  -h | --help | help | "") usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
