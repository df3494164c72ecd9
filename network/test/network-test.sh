#!/usr/bin/env bash
# End-to-end checks of the native network made by network.sh, on a running network:
# processes up, gateway files consistent, a submit + query round trip as alice, a mint by the
# issuer (bank), then a chaincode upgrade (new package + sequence) that must keep the state.
#   bash network/network.sh up && bash network/test/network-test.sh && bash network/network.sh down
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
NET="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/network.sh"
REPO_DIR="$(cd "$(dirname "$NET")/.." && pwd)"
GW_DIR="${COVENANT_DATA_DIR:-$REPO_DIR/.covenant}/fabric"
passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
ko() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '     %s\n' "$2"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o[k],JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

if out="$(bash "$NET" status 2>&1)"; then ok "status: every process up"; else ko "status: every process up" "$out"; fi

if node -e '
  const fs=require("fs"),c=require("crypto"),d=process.argv[1];
  const conn=JSON.parse(fs.readFileSync(d+"/connection.json")),ids=JSON.parse(fs.readFileSync(d+"/identities.json")),cred=JSON.parse(fs.readFileSync(d+"/dev-credentials.json"));
  if((fs.statSync(d+"/dev-credentials.json").mode&0o777)!==0o600) throw new Error("dev-credentials.json is not 0600");
  if(conn.channel!=="covenant"||conn.chaincode!=="covenant") throw new Error("channel/chaincode");
  for(const m of ["Org1MSP","Org2MSP","Org3MSP"]) if(!fs.existsSync(conn.organizations[m].tlsRootCert)) throw new Error("tls root "+m);
  const names=["bank","alice","bob","dave","carol","arbiter","admin1","admin2","admin3"];
  for(const n of names){const i=ids.users.find(u=>u.name===n),k=cred.users.find(u=>u.name===n);
    if(!i||!k) throw new Error("user "+n);
    if(!/^cov_[A-Za-z0-9_-]{43}$/.test(k.apiKey)) throw new Error("api key format "+n);
    if(c.createHash("sha256").update(k.apiKey).digest("hex")!==i.apiKeySha256) throw new Error("api key hash "+n);
    for(const f of [i.certificatePath,i.privateKeyPath]) if(!fs.existsSync(f)) throw new Error("missing "+f);}
' "$GW_DIR" 2>/tmp/network-test.$$; then ok "gateway files: connection, identities, 0600 credentials, key hashes"; else ko "gateway files" "$(cat /tmp/network-test.$$)"; fi
rm -f /tmp/network-test.$$

# An operator's typo names the user it did not find (lookup_user once reported the last user tried).
if out="$(bash "$NET" env nobody 2>&1)"; then ko "env nobody is refused" "$out"; elif [ "$out" = "unknown user nobody" ]; then ok "env nobody: refused, naming nobody"; else ko "env nobody names the unknown user" "$out"; fi

if cfg="$(bash "$NET" query admin2 consortium:getConfig 2>&1)" && [ "$(printf '%s' "$cfg" | json members)" = '["Org1MSP","Org2MSP","Org3MSP"]' ]; then
  ok "consortium:getConfig lists the three members (read through Org2's peer)"
else ko "consortium:getConfig" "$cfg"; fi

bash "$NET" invoke alice accounts:register >/dev/null 2>&1
if acct="$(bash "$NET" query alice accounts:getOwnAccount 2>&1)" && id="$(printf '%s' "$acct" | json id)"; then
  ok "alice: accounts:register (submit) then accounts:getOwnAccount (query) -> $id"
else ko "alice register + getOwnAccount" "$acct"; id=""; fi

before=""
if [ -n "$id" ]; then
  b0="$(printf '%s' "$acct" | json balance)"
  if out="$(bash "$NET" invoke bank accounts:mint "$id" 250 2>&1)" &&
    before="$(bash "$NET" query alice accounts:getOwnAccount 2>&1)" &&
    [ "$(printf '%s' "$before" | json balance)" = "$((b0 + 250))" ]; then
    ok "bank (issuer) mints 250 to alice: balance $b0 -> $((b0 + 250))"
  else ko "bank mints to alice" "$out"; fi
fi

seq0="$(bash "$NET" status 2>/dev/null | sed -n 's/.*Sequence: \([0-9]*\),.*/\1/p')"
if out="$(bash "$NET" upgrade 2>&1)"; then ok "upgrade: sequence $seq0 -> $((seq0 + 1))"; else ko "upgrade" "$(printf '%s' "$out" | tail -n 20)"; fi
seq1="$(bash "$NET" status 2>/dev/null | sed -n 's/.*Sequence: \([0-9]*\),.*/\1/p')"
if [ "$seq1" = "$((seq0 + 1))" ]; then ok "committed definition is sequence $seq1"; else ko "sequence after upgrade" "got '$seq1'"; fi

if [ -n "$before" ]; then
  after="$(bash "$NET" query alice accounts:getOwnAccount 2>&1)"
  if [ "$after" = "$before" ]; then ok "alice's account is unchanged across the upgrade"; else ko "state across upgrade" "before $before / after $after"; fi
  if out="$(bash "$NET" invoke bank accounts:mint "$id" 1 2>&1)" &&
    [ "$(bash "$NET" query alice accounts:getOwnAccount 2>/dev/null | json balance)" = "$(($(printf '%s' "$before" | json balance) + 1))" ]; then
    ok "the upgraded chaincode accepts submissions (mint 1)"
  else ko "submit after upgrade" "$out"; fi
fi

# One node at a time, as an operator stops and restarts it (network.sh stop|start NODE).
status_rc=0
if out="$(bash "$NET" stop chaincode.org3 2>&1)" && { status="$(bash "$NET" status 2>/dev/null)" || status_rc=$?; } &&
  [ "$status_rc" = 3 ] && grep -qE '^chaincode\.org3 +- +down' <<<"$status"; then
  ok "stop chaincode.org3: status reports it down (exit 3)"
else ko "stop chaincode.org3" "$out"; fi
if out="$(bash "$NET" upgrade 2>&1)"; then ko "upgrade with chaincode.org3 stopped should be refused"
elif printf '%s' "$out" | grep -q "chaincode.org3 is down"; then ok "upgrade with chaincode.org3 stopped is refused up front: $(printf '%s' "$out" | tail -n 1)"
else ko "upgrade with chaincode.org3 stopped: unclear refusal" "$(printf '%s' "$out" | tail -n 5)"; fi
if out="$(bash "$NET" start chaincode.org3 2>&1)" && bash "$NET" status >/dev/null 2>&1; then
  ok "start chaincode.org3: every process up again ($(printf '%s' "$out" | tail -n 1))"
else ko "start chaincode.org3" "$out"; fi
if out="$(bash "$NET" invoke carol accounts:register 2>&1)"; then ok "Org3 endorses again after its chaincode server restarted"; else ko "invoke after restart" "$(printf '%s' "$out" | tail -n 5)"; fi
if leader="$(bash "$NET" leader 2>&1)" && [[ "$leader" =~ ^orderer[0-2]$ ]]; then ok "leader: $leader leads the Raft cluster"; else ko "leader" "$leader"; fi
if out="$(bash "$NET" stop nosuchnode 2>&1)"; then ko "stop nosuchnode should fail"; else ok "stop of an unknown node is refused: $(printf '%s' "$out" | head -n 1)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
