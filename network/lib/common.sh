# shellcheck shell=bash
# network/lib/common.sh (sourced by network/network.sh): the port plan and the addresses the
# processes dial (native 127.0.0.1 ports, or the compose hostnames), and the output helpers every
# command uses: log/warn, step/done_step with durations, fail (reports the step and its log), the
# EXIT trap, run_logged/capture (the CLI log), log_has.

# --------------------------------------------------------------------------------------------
# Port plan (all listeners bind 127.0.0.1). B = COVENANT_NET_BASE_PORT (default 27050).
#   orderer<i> (i = 0..2)   B + 10*i      gRPC (clients + Raft cluster)
#                           B + 10*i + 1  admin (osnadmin, mutual TLS)
#                           B + 10*i + 2  operations (/healthz, /metrics; HTTP)
#   peer0.org<n> (n = 1..3) B + 100 + 10*(n-1)      gRPC (endorse, deliver, gossip, Gateway)
#                           B + 100 + 10*(n-1) + 1  chaincode listener (unused by ccaas)
#                           B + 100 + 10*(n-1) + 2  operations (/healthz)
#   chaincode.org<n>        B + 200 + 10*(n-1) + s  chaincode server, s = (sequence-1) mod 2
#                                                   (upgrade starts the next server beside the old)
# --------------------------------------------------------------------------------------------
orderer_port() { echo $((BASE_PORT + 10 * $1)); }
orderer_admin_port() { echo $((BASE_PORT + 10 * $1 + 1)); }
orderer_ops_port() { echo $((BASE_PORT + 10 * $1 + 2)); }
peer_port() { echo $((BASE_PORT + 100 + 10 * ($1 - 1))); }
peer_cc_port() { echo $((BASE_PORT + 100 + 10 * ($1 - 1) + 1)); }
peer_ops_port() { echo $((BASE_PORT + 100 + 10 * ($1 - 1) + 2)); }
cc_port() { echo $((BASE_PORT + 200 + 10 * ($1 - 1) + (($2 - 1) % 2))); } # org sequence

# Addresses as other processes dial them. Native: 127.0.0.1 and the plan above. Compose: the
# containers' hostnames and the images' default ports (docker-compose.yaml).
orderer_addr() { if [ "$MODE" = compose ]; then echo "orderer$1.example.com:7050"; else echo "127.0.0.1:$(orderer_port "$1")"; fi; }
orderer_admin_addr() { if [ "$MODE" = compose ]; then echo "orderer$1.example.com:7053"; else echo "127.0.0.1:$(orderer_admin_port "$1")"; fi; }
peer_addr() { if [ "$MODE" = compose ]; then echo "peer0.org$1.example.com:7051"; else echo "127.0.0.1:$(peer_port "$1")"; fi; }
cc_addr() { if [ "$MODE" = compose ]; then echo "chaincode-org$1:9999"; else echo "127.0.0.1:$(cc_port "$1" "$2")"; fi; } # org sequence
addr_host() { echo "${1%:*}"; }
addr_port() { echo "${1##*:}"; }

all_ports() {
  local i n
  for i in "${ORDERERS[@]}"; do orderer_port "$i"; orderer_admin_port "$i"; orderer_ops_port "$i"; done
  for n in "${ORGS[@]}"; do peer_port "$n"; peer_cc_port "$n"; peer_ops_port "$n"; cc_port "$n" 1; done
}

# --------------------------------------------------------------------------------------------
# Output, steps and failure reporting
# --------------------------------------------------------------------------------------------
now_ms() { date +%s%3N; }
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%01d' $((d / 1000)) $(((d % 1000) / 100)); }
STEP=""
STEP_LOG=""
STEP_T0=0

log() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

# step NAME [LOG] : announce a step; LOG is the file to look at when it fails
step() {
  STEP="$1"
  STEP_LOG="${2-$CLI_LOG}"
  STEP_T0=$(now_ms)
  printf '==> %s\n' "$STEP"
}
# done_step [DETAIL] : close the current step with its duration
done_step() {
  printf '    ok (%ss)%s\n' "$(secs_since "$STEP_T0")" "${1:+ $1}"
  STEP=""
}

# fail MESSAGE : report the failed step and its log, exit non-zero. In a subshell ($(...)) the
# report is printed once and the flag file stops the parent from printing a second, vaguer one.
FAIL_FLAG="$(mktemp "${TMPDIR:-/tmp}/covenant-network.XXXXXX")"
fail() {
  local msg="$1"
  if [ ! -s "$FAIL_FLAG" ]; then
    echo reported >"$FAIL_FLAG"
    printf 'FAILED: %s\n' "${STEP:-network.sh ${CMD:-}}" >&2
    printf '  %s\n' "$msg" >&2
    if [ -n "$STEP_LOG" ] && [ -f "$STEP_LOG" ]; then
      printf '  log: %s (last lines below)\n' "$STEP_LOG" >&2
      tail -n 15 "$STEP_LOG" | sed 's/^/  | /' >&2
    fi
    if { [ "${CMD:-}" = up ] || [ "${CMD:-}" = upgrade ]; } && [ -z "${NO_HINT:-}" ]; then
      printf '  processes started so far keep running for inspection: bash network/network.sh status|logs, then bash network/network.sh down\n' >&2
    fi
  fi
  exit 1
}

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$STEP" ] && [ ! -s "$FAIL_FLAG" ]; then
    printf 'FAILED: %s\n  a command exited with status %s\n' "$STEP" "$rc" >&2
    if [ -n "$STEP_LOG" ] && [ -f "$STEP_LOG" ]; then
      printf '  log: %s (last lines below)\n' "$STEP_LOG" >&2
      tail -n 15 "$STEP_LOG" | sed 's/^/  | /' >&2
    fi
  fi
  rm -f "$FAIL_FLAG"
}
trap on_exit EXIT

# run_logged DESC CMD... : run a command, output appended to the CLI log; fail the step on error
run_logged() {
  local desc="$1"
  shift
  mkdir -p "$(dirname "$CLI_LOG")"
  printf '\n### %s %s\n### %s\n' "$(date -u +%FT%TZ)" "$desc" "$*" >>"$CLI_LOG"
  if ! "$@" >>"$CLI_LOG" 2>&1; then
    STEP_LOG="$CLI_LOG"
    fail "$desc failed"
  fi
}

# capture DESC CMD... : like run_logged but prints the command's stdout
capture() {
  local desc="$1" out rc=0
  shift
  mkdir -p "$(dirname "$CLI_LOG")"
  printf '\n### %s %s\n### %s\n' "$(date -u +%FT%TZ)" "$desc" "$*" >>"$CLI_LOG"
  out="$("$@" 2>>"$CLI_LOG")" || rc=$?
  printf '%s\n' "$out" >>"$CLI_LOG"
  if [ "$rc" -ne 0 ]; then
    STEP_LOG="$CLI_LOG"
    fail "$desc failed (exit $rc)"
  fi
  printf '%s' "$out"
}

log_has() { [ -f "$1" ] && grep -qE -- "$2" "$1"; }
