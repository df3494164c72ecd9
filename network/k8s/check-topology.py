"""Covenant topology checks on built Kustomize overlays (network/k8s/validate.sh runs it after the
schema validation): what a schema cannot see.

Usage: check-topology.py OVERLAY=FILE ...   (FILE: the output of `kubectl kustomize overlays/OVERLAY`)

For each member organisation (org1, org2, org3): one peer StatefulSet and the chaincode, gateway and
signer Deployments in namespace covenant-orgN; the peer's MSP id OrgNMSP, its addresses in its own
namespace, the gateway serving the same MSP id and naming the other two organisations' gateways.
For the orderer organisation: an odd number (>= 3) of Raft orderers. Everywhere: official Fabric
images on a 3.x tag, no untagged or :latest image, every ConfigMap and PersistentVolumeClaim a
workload names present in the overlay, resource requests and a memory limit on every container, no
privilege escalation, a default-deny ingress NetworkPolicy. Exit 1 with one line per problem.
"""
import re
import sys

import yaml

MEMBERS = {"org1": "Org1MSP", "org2": "Org2MSP", "org3": "Org3MSP"}
FABRIC_IMAGE = re.compile(r"^hyperledger/fabric-(peer|orderer):3\.\d+(\.\d+)?$")


def pod_specs(docs):
    """(workload, pod spec) of every Deployment and StatefulSet."""
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet"):
            yield d, d["spec"]["template"]["spec"]


def config_maps(docs):
    return {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}


def env_of(docs, workload_name, container_name):
    """The environment a container gets from its envFrom ConfigMaps and literal env."""
    maps = config_maps(docs)
    for w, spec in pod_specs(docs):
        if w["metadata"]["name"] != workload_name:
            continue
        for c in spec["containers"]:
            if c["name"] != container_name:
                continue
            env = {}
            for source in c.get("envFrom", []):
                env.update(maps.get(source["configMapRef"]["name"], {}))
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("configMapKeyRef")
                env[e["name"]] = maps.get(ref["name"], {}).get(ref["key"]) if ref else e.get("value")
            return env
    return None


def check_common(name, docs, problems):
    maps = config_maps(docs)
    claims = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    if not any(d["kind"] == "NetworkPolicy" and d["spec"].get("podSelector") == {} and "ingress" not in d["spec"] for d in docs):
        problems.append(f"{name}: no default-deny ingress NetworkPolicy")
    for w, spec in pod_specs(docs):
        wname = f"{name}: {w['kind']} {w['metadata']['name']}"
        for c in spec.get("initContainers", []) + spec["containers"]:
            image = c["image"]
            if ":" not in image.split("/")[-1] or image.endswith(":latest"):
                problems.append(f"{wname}: image {image} has no pinned tag")
            if image.startswith("hyperledger/") and not FABRIC_IMAGE.match(image):
                problems.append(f"{wname}: {image} is not an official Fabric 3.x peer or orderer image")
            resources = c.get("resources", {})
            if "requests" not in resources or "memory" not in resources.get("limits", {}):
                problems.append(f"{wname}: container {c['name']} lacks resource requests or a memory limit")
            if c.get("securityContext", {}).get("allowPrivilegeEscalation") is not False:
                problems.append(f"{wname}: container {c['name']} may escalate privileges")
            refs = [s["configMapRef"]["name"] for s in c.get("envFrom", []) if "configMapRef" in s]
            refs += [e["valueFrom"]["configMapKeyRef"]["name"] for e in c.get("env", []) if "configMapKeyRef" in e.get("valueFrom", {})]
            for ref in refs:
                if ref not in maps:
                    problems.append(f"{wname}: ConfigMap {ref} is not in the overlay")
        for v in spec.get("volumes", []):
            claim = v.get("persistentVolumeClaim", {}).get("claimName")
            if claim and claim not in claims:
                problems.append(f"{wname}: PersistentVolumeClaim {claim} is not in the overlay")


def check_member(name, docs, problems):
    msp = MEMBERS[name]
    namespace = f"covenant-{name}"
    workloads = sorted((d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] in ("Deployment", "StatefulSet"))
    expected = [("Deployment", "chaincode"), ("Deployment", "gateway"), ("Deployment", "signer"), ("StatefulSet", "peer0")]
    if workloads != expected:
        problems.append(f"{name}: workloads {workloads}, expected {expected}")
    for d in docs:
        ns = d["metadata"]["name"] if d["kind"] == "Namespace" else d["metadata"].get("namespace")
        if ns != namespace:
            problems.append(f"{name}: {d['kind']} {d['metadata']['name']} is in namespace {ns}, not {namespace}")
    peer = env_of(docs, "peer0", "peer") or {}
    if peer.get("CORE_PEER_LOCALMSPID") != msp:
        problems.append(f"{name}: the peer's MSP id is {peer.get('CORE_PEER_LOCALMSPID')}, not {msp}")
    host = f"peer0.{namespace}.svc.cluster.local"
    for key in ("CORE_PEER_ADDRESS", "CORE_PEER_GOSSIP_EXTERNALENDPOINT", "CORE_PEER_GOSSIP_BOOTSTRAP", "CORE_PEER_CHAINCODEADDRESS"):
        if not str(peer.get(key, "")).startswith(f"{host}:"):
            problems.append(f"{name}: {key}={peer.get(key)} is not on {host}")
    gateway = env_of(docs, "gateway", "gateway") or {}
    if gateway.get("COVENANT_ORG") != msp:
        problems.append(f"{name}: the gateway serves {gateway.get('COVENANT_ORG')}, not {msp}")
    others = {f"{m}=http://gateway.covenant-{o}.svc.cluster.local:8080" for o, m in MEMBERS.items() if o != name}
    peers = set(filter(None, str(gateway.get("COVENANT_PEERS", "")).split(",")))
    if peers != others:
        problems.append(f"{name}: the gateway's COVENANT_PEERS is {sorted(peers)}, expected {sorted(others)}")
    # The gateway reaches its own organisation's signer (Service signer, the port the signer
    # listens on) with the token file the signer reads.
    signer = env_of(docs, "signer", "signer") or {}
    if gateway.get("COVENANT_SIGNER_URL") != f"http://signer:{signer.get('COVENANT_SIGNER_PORT')}":
        problems.append(f"{name}: the gateway's COVENANT_SIGNER_URL {gateway.get('COVENANT_SIGNER_URL')} is not its signer's port {signer.get('COVENANT_SIGNER_PORT')}")
    if not gateway.get("COVENANT_SIGNER_TOKEN_FILE") or gateway.get("COVENANT_SIGNER_TOKEN_FILE") != signer.get("COVENANT_SIGNER_TOKEN_FILE"):
        problems.append(f"{name}: gateway and signer read different token files ({gateway.get('COVENANT_SIGNER_TOKEN_FILE')}, {signer.get('COVENANT_SIGNER_TOKEN_FILE')})")
    chaincode = env_of(docs, "chaincode", "chaincode") or {}
    if not re.match(r"^[\w.+-]+:[0-9a-f]{64}$", str(chaincode.get("CHAINCODE_ID", ""))):
        problems.append(f"{name}: CHAINCODE_ID {chaincode.get('CHAINCODE_ID')} is not label:sha256")


def check_orderer(name, docs, problems):
    sets = [d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "orderer"]
    if len(sets) != 1:
        problems.append(f"{name}: expected one orderer StatefulSet, found {len(sets)}")
        return
    replicas = sets[0]["spec"]["replicas"]
    if replicas < 3 or replicas % 2 == 0:
        problems.append(f"{name}: {replicas} orderers; Raft needs an odd number, at least 3")
    if (env_of(docs, "orderer", "orderer") or {}).get("ORDERER_GENERAL_LOCALMSPID") != "OrdererMSP":
        problems.append(f"{name}: the orderers' MSP id is not OrdererMSP")


def main(args):
    problems = []
    for arg in args:
        name, _, path = arg.partition("=")
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        check_common(name, docs, problems)
        if name in MEMBERS:
            check_member(name, docs, problems)
        elif name == "orderer":
            check_orderer(name, docs, problems)
        print(f"{name}: topology checked ({len(docs)} objects)")
    for p in problems:
        print(f"FAILED: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
