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
#   network.sh stop NODE           stop one node (orderer0, peer0.org2, chaincode.org1, ...), data kept
#   network.sh start NODE          start a stopped node again and wait until it is healthy
#   network.sh leader              print the orderer leading the channel's Raft cluster
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
# The ordering service: etcdraft (3 Raft orderers, crash fault tolerant; the default) or BFT
# (SmartBFT, 4 orderers, tolerates one Byzantine orderer; needs the V3_0 channel capability, under
# which the peers' Gateway sends each transaction to every orderer and SmartBFT orders it once).
# network/README.md, "Ordering service", has both measured.
# A running network keeps the type it was started with (`up` records it in the run dir).
ORDERER_TYPE="${COVENANT_ORDERER_TYPE:-$(cat "$RUN_DIR/state/orderer-type" 2>/dev/null || echo etcdraft)}"
case "$ORDERER_TYPE" in
  etcdraft) ORDERERS=(0 1 2) ;;
  BFT) ORDERERS=(0 1 2 3); CHANNEL_CAPABILITY=V3_0 ;;
  *) echo "COVENANT_ORDERER_TYPE must be etcdraft or BFT" >&2; exit 2 ;;
esac
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
# shellcheck source=SCRIPTDIR/lib/up-down.sh
source "$NET_DIR/lib/up-down.sh"
# shellcheck source=SCRIPTDIR/lib/inspect.sh
source "$NET_DIR/lib/inspect.sh"
# shellcheck source=SCRIPTDIR/lib/compose.sh
source "$NET_DIR/lib/compose.sh"
# shellcheck source=SCRIPTDIR/lib/nodes.sh
source "$NET_DIR/lib/nodes.sh"

# --------------------------------------------------------------------------------------------
# Usage and command dispatch (the cmd_* functions are in lib/)
# --------------------------------------------------------------------------------------------
usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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
  stop) cmd_stop_node "$@" ;;
  start) cmd_start_node "$@" ;;
  leader) cmd_leader ;;
  -h | --help | help | "") usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
