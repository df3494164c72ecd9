# shellcheck shell=bash
# network/lib/install.sh (sourced by network/network.sh): the Fabric binaries (peer, orderer,
# configtxgen, cryptogen, osnadmin) built with `go install` from a pinned commit of the Fabric
# module into $FABRIC_HOME/bin, and the module's sampleconfig copied to $FABRIC_HOME/config.

# --------------------------------------------------------------------------------------------
# Fabric binaries
# --------------------------------------------------------------------------------------------
bins_ok() {
  local t pin
  [ -f "$BIN/.fabric-version" ] || return 1
  pin="$(cat "$BIN/.fabric-version")"
  case " $FABRIC_PINS " in *" $pin "*) ;; *) return 1 ;; esac
  for t in "${FABRIC_TOOLS[@]}"; do [ -x "$BIN/$t" ] || return 1; done
  for t in core.yaml orderer.yaml configtx.yaml; do [ -f "$FABRIC_HOME/config/$t" ] || return 1; done
}

install_fabric() {
  local force="${1:-}" t0 pin chosen="" json dir gomod gover tools t
  mkdir -p "$FABRIC_HOME"
  local ilog="$FABRIC_HOME/install.log"
  step "fabric binaries ($BIN)" "$ilog"
  t0=$(now_ms)
  if [ "$force" != "--force" ] && bins_ok; then
    done_step "warm: already installed ($(cat "$BIN/.fabric-version")), check took $(secs_since "$t0")s"
    return 0
  fi
  command -v go >/dev/null 2>&1 || fail "the Go toolchain (go) is not on PATH: install Go 1.20+ to build the Fabric binaries"
  : >"$ilog"
  for pin in $FABRIC_PINS; do
    printf '### go mod download %s@%s\n' "$FABRIC_MODULE" "$pin" >>"$ilog"
    if json="$(go mod download -json "$FABRIC_MODULE@$pin" 2>>"$ilog")"; then
      chosen="$pin"
      break
    fi
    printf '%s\n' "$json" >>"$ilog"
    log "    pin $pin is not available from the Go module proxy here; trying the next"
  done
  [ -n "$chosen" ] || fail "no Fabric pin could be downloaded (tried: $FABRIC_PINS)"
  dir="$(printf '%s' "$json" | node "$NET_DIR/lib/helpers.js" get - Dir)"
  gomod="$(printf '%s' "$json" | node "$NET_DIR/lib/helpers.js" get - GoMod)"
  log "    module $FABRIC_MODULE@$chosen"
  # A tools module rather than `go install pkg@version`: the latter refuses modules whose go.mod
  # has replace directives (some Fabric commits do), and replace directives only apply in the
  # main module, so they are copied here.
  tools="$FABRIC_HOME/tools"
  rm -rf "$tools"
  mkdir -p "$tools"
  gover="$(awk '/^go [0-9]/{print $2; exit}' "$gomod")"
  {
    printf 'module covenant.local/fabric-tools\n\ngo %s\n\nrequire %s %s\n\n' "${gover:-1.20}" "$FABRIC_MODULE" "$chosen"
    awk '/^replace[ \t]*\(/{blk=1; print; next} blk{print; if ($0 ~ /^\)/) blk=0; next} /^replace[ \t]/{print}' "$gomod"
  } >"$tools/go.mod"
  rm -f "$BIN/.fabric-version"
  mkdir -p "$BIN"
  local pkgs=()
  for t in "${FABRIC_TOOLS[@]}"; do pkgs+=("$FABRIC_MODULE/cmd/$t"); done
  printf '### go install %s\n' "${pkgs[*]}" >>"$ilog"
  (cd "$tools" && CGO_ENABLED=0 GOBIN="$BIN" GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go install "${pkgs[@]}") >>"$ilog" 2>&1 ||
    fail "go install of the Fabric commands failed"
  mkdir -p "$FABRIC_HOME/config"
  for t in core.yaml orderer.yaml configtx.yaml; do
    cp "$dir/sampleconfig/$t" "$FABRIC_HOME/config/$t"
    chmod u+w "$FABRIC_HOME/config/$t"
  done
  printf '%s\n' "$chosen" >"$BIN/.fabric-version"
  done_step "installed in $(secs_since "$t0")s (go install; cold when GOMODCACHE/GOCACHE are empty)"
}
