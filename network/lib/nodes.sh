# shellcheck shell=bash
# network/lib/nodes.sh (sourced by network/network.sh): one node at a time, for operators and
# fault tests: `stop NODE`, `start NODE` (an orderer, a peer or a chaincode server, by the names
# `status` prints), and `leader` (the orderer that leads the channel's Raft cluster now).
# A stopped node keeps its data: `start` brings it back with the same ledger, MSP and ports.

# node_kind NAME : orderer | peer | chaincode, or fails for an unknown name
node_kind() {
  case "$1" in
    orderer[0-9]) [[ " ${ORDERERS[*]} " == *" ${1#orderer} "* ]] && echo orderer && return ;;
    peer0.org[0-9]) [[ " ${ORGS[*]} " == *" ${1#peer0.org} "* ]] && echo peer && return ;;
    chaincode.org[0-9]) [[ " ${ORGS[*]} " == *" ${1#chaincode.org} "* ]] && echo chaincode && return ;;
  esac
  log "unknown node '$1': one of $(proc_names | grep -v '\.next$' | tr '\n' ' ')" >&2
  return 2
}

require_network() {
  [ -f "$MARKER" ] || { log "no network in $RUN_DIR: run network.sh up first"; exit 1; }
}

# cmd_stop_node NAME : TERM (then KILL after 10 s) one recorded process; idempotent
cmd_stop_node() {
  [ $# -eq 1 ] || { log "usage: network.sh stop NODE"; exit 2; }
  require_network
  node_kind "$1" >/dev/null || exit 2
  if ! alive "$1"; then
    log "$1 is already stopped"
    rm -f "$PIDS/$1.pid" "$PIDS/$1.cmd"
    return 0
  fi
  stop_proc "$1"
}

# cmd_start_node NAME : start one stopped node with its recorded configuration and wait until it
# is healthy (orderer/peer /healthz; chaincode server listening); idempotent
cmd_start_node() {
  [ $# -eq 1 ] || { log "usage: network.sh start NODE"; exit 2; }
  require_network
  local kind t0
  kind="$(node_kind "$1")" || exit 2
  if alive "$1"; then
    log "$1 is already running (pid $(pid_of "$1"))"
    return 0
  fi
  t0=$(now_ms)
  case "$kind" in
    orderer) start_healthy start_orderer orderer_ops_port orderer "${1#orderer}" ;;
    peer) start_healthy start_peer peer_ops_port peer0.org "${1#peer0.org}" ;;
    chaincode)
      local n="${1#chaincode.org}" CC_SEQUENCE
      # shellcheck source=/dev/null
      source "$STATE/chaincode.env"
      start_chaincode_server "$n" "$CC_SEQUENCE" ""
      wait_chaincode_server "$n" "$CC_SEQUENCE" ""
      ;;
  esac
  log "$1 started (pid $(pid_of "$1")) in $(secs_since "$t0") s"
}

# cmd_leader : the orderer whose etcdraft is_leader gauge is 1 (operations /metrics), or exit 3
cmd_leader() {
  require_network
  [ "$ORDERER_TYPE" = etcdraft ] || { log "leader: the $ORDERER_TYPE ordering service has no Raft leader"; return 3; }
  local i metrics
  for i in "${ORDERERS[@]}"; do
    alive "orderer$i" || continue
    metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:$(orderer_ops_port "$i")/metrics" 2>/dev/null || true)"
    if grep -qxF "consensus_etcdraft_is_leader{channel=\"$CHANNEL\"} 1" <<<"$metrics"; then
      echo "orderer$i"
      return 0
    fi
  done
  log "no orderer reports itself leader of '$CHANNEL' now"
  return 3
}
