# shellcheck shell=bash
# network/lib/processes.sh (sourced by network/network.sh): the local processes: start (own
# session, log file, pid + command-line record), liveness with a PID-reuse guard, bounded stop,
# waiting for health; the orderer and peer environments; the process names and their endpoints.

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
    ORDERER_CONSENSUS_TYPE="$ORDERER_TYPE" \
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

# --------------------------------------------------------------------------------------------
# Process names and endpoints (network.sh status)
# --------------------------------------------------------------------------------------------
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
