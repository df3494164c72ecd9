# shellcheck shell=bash
# network/lib/chaincode.sh (sourced by network/network.sh): chaincode as a service: build,
# deterministic packages, install on each peer, the chaincode servers, approve + commit, the
# consortium:init transaction, and `network.sh upgrade` (next sequence beside the old servers).

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

# start_chaincode_server ORG SEQUENCE NAME-SUFFIX : org ORG's fabric-chaincode-node server (native),
# serving the package id PKGID_<ORG>; returns once started (not yet listening).
start_chaincode_server() {
  local n="$1" seq="$2" suffix="$3" name port id_var
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
}

# wait_chaincode_server ORG SEQUENCE NAME-SUFFIX : until org ORG's server listens on its port
wait_chaincode_server() {
  local n="$1" seq="$2" suffix="$3"
  STEP_LOG="$LOGS/chaincode.org$n$suffix.log"
  wait_until "chaincode server org$n listening on $(cc_port "$n" "$seq")" "$WAIT_SECS" "chaincode.org$n$suffix" port_busy "$(cc_port "$n" "$seq")"
}

# start_chaincode_servers SEQUENCE NAME-SUFFIX : one fabric-chaincode-node server per org (native)
start_chaincode_servers() {
  local seq="$1" suffix="$2" n
  for n in "${ORGS[@]}"; do start_chaincode_server "$n" "$seq" "$suffix"; done
  for n in "${ORGS[@]}"; do wait_chaincode_server "$n" "$seq" "$suffix"; done
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

cmd_upgrade() {
  local cur next before_cfg after_cfg before_acct="" after_acct="" n t0
  t0=$(now_ms)
  if [ ! -f "$MARKER" ] || ! alive peer0.org1; then
    log "no running network in $RUN_DIR: run \`bash network/network.sh up\` first"
    return 1
  fi
  for n in "${ORGS[@]}"; do alive "peer0.org$n" || { log "peer0.org$n is down: see status"; return 1; }; done
  # The checks before and after the upgrade query through every peer, which needs its chaincode
  # server: refuse now, with the fix, rather than fail halfway with a peer's timeout.
  for n in "${ORGS[@]}"; do
    alive "chaincode.org$n" || { log "chaincode.org$n is down: run \`bash network/network.sh start chaincode.org$n\` first"; return 1; }
  done
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
