# shellcheck shell=bash
# network/lib/gateway-files.sh (sourced by network/network.sh): the gateway's connection.json,
# identities.json and dev-credentials.json (through lib/helpers.js).

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
