# shellcheck shell=bash
# network/lib/up-down.sh (sourced by network/network.sh): `network.sh up` (check, install, config,
# crypto, genesis, orderers, peers, channel, chaincode, init, gossip, gateway files) and
# `network.sh down` (stop the recorded processes, remove the run dir and the gateway files).

# --------------------------------------------------------------------------------------------
# Commands: up, down
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
  # Consensus.Type is not in the sample orderer.yaml, so ORDERER_CONSENSUS_TYPE alone is ignored:
  # without a system channel the orderer builds the consenter of this type only (etcdraft or BFT).
  sed -i "s/^Consensus:\$/Consensus:\n    Type: $ORDERER_TYPE/" "$CFG/orderer.yaml"
  done_step "vm.endpoint emptied, externalBuilders -> network/ccaas-builder, Consensus.Type $ORDERER_TYPE"

  crypto_step "cryptogen: orderer org, Org1MSP..Org3MSP, NodeOUs, 127.0.0.1 SANs"
  genesis_step "configtxgen"
  mkdir -p "$STATE" && printf '%s\n' "$ORDERER_TYPE" >"$STATE/orderer-type"

  step "start ${#ORDERERS[@]} $ORDERER_TYPE orderers"
  start_healthy start_orderer orderer_ops_port orderer "${ORDERERS[@]}"
  done_step "ports$(for i in "${ORDERERS[@]}"; do printf ' %s' "$(orderer_port "$i")"; done)"

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
  if [ "$ORDERER_TYPE" = etcdraft ]; then wait_until "a Raft leader for '$CHANNEL'" "$WAIT_SECS" orderer0 leader_elected; fi
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
  log "  orderers ($ORDERER_TYPE):$(for i in "${ORDERERS[@]}"; do printf ' 127.0.0.1:%s' "$(orderer_port "$i")"; done)"
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
