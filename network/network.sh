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
# shellcheck source=SCRIPTDIR/lib/processes.sh
source "$NET_DIR/lib/processes.sh"
# shellcheck source=SCRIPTDIR/lib/cli.sh
source "$NET_DIR/lib/cli.sh"
# shellcheck source=SCRIPTDIR/lib/chaincode.sh
source "$NET_DIR/lib/chaincode.sh"
# shellcheck source=SCRIPTDIR/lib/gateway-files.sh
source "$NET_DIR/lib/gateway-files.sh"

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
