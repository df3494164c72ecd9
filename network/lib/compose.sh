# shellcheck shell=bash
# network/lib/compose.sh (sourced by network/network.sh): docker-compose.yaml support:
# `compose-init` (material on the host) and `compose-setup` (run by the compose `setup` service:
# join, deploy, init, each step retried while the containers start).

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
