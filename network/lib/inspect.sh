# shellcheck shell=bash
# network/lib/inspect.sh (sourced by network/network.sh): the read-only commands: status, logs,
# env (peer CLI exports for a user) and ports (the port plan).

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
