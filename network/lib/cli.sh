# shellcheck shell=bash
# network/lib/cli.sh (sourced by network/network.sh): the peer CLI as an organisation's admin or as
# a named user (cli_env, as_admin, as_user), orderer and all-peer arguments, channel height, and
# chaincode invoke/query as a user.

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

invoke_as() { # invoke_as USER CTOR-JSON
  # shellcheck disable=SC2046
  as_user "$1" "$BIN/peer" chaincode invoke $(orderer_args) -C "$CHANNEL" -n "$CC_NAME" $(all_peer_args) -c "$2" --waitForEvent
}
query_as() { # query_as USER CTOR-JSON
  as_user "$1" "$BIN/peer" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "$2"
}
