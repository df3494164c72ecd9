// Command merkle-go checks RFC 9162 (RFC 6962) Merkle proofs with github.com/transparency-dev/merkle,
// the verifier sigstore's Rekor uses, so that the jest cross-check
// (test/privacy/merkle-crosscheck.test.ts) can compare Covenant's proofs with a maintained one.
//
// Input on stdin: one JSON object a line, hashes in lowercase hex:
//
//	{"kind":"inclusion","leafIndex":5,"treeSize":8,"leafHash":"..","inclusionPath":[".."],"rootHash":".."}
//	{"kind":"consistency","firstSize":3,"secondSize":8,"consistencyPath":[".."],"firstRoot":"..","secondRoot":".."}
//
// Output on stdout: one JSON object a line, in the same order: {"ok":true} or {"ok":false,"error":".."}.
// Exit status 0 unless the input cannot be read or parsed.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

type request struct {
	Kind            string   `json:"kind"`
	LeafIndex       uint64   `json:"leafIndex"`
	TreeSize        uint64   `json:"treeSize"`
	LeafHash        string   `json:"leafHash"`
	InclusionPath   []string `json:"inclusionPath"`
	RootHash        string   `json:"rootHash"`
	FirstSize       uint64   `json:"firstSize"`
	SecondSize      uint64   `json:"secondSize"`
	ConsistencyPath []string `json:"consistencyPath"`
	FirstRoot       string   `json:"firstRoot"`
	SecondRoot      string   `json:"secondRoot"`
}

type answer struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

func decode(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		fail(fmt.Errorf("not hex: %q: %w", s, err))
	}
	return b
}

func decodeAll(list []string) [][]byte {
	out := make([][]byte, len(list))
	for i, s := range list {
		out[i] = decode(s)
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "merkle-go:", err)
	os.Exit(2)
}

func check(r request) error {
	switch r.Kind {
	case "inclusion":
		return proof.VerifyInclusion(rfc6962.DefaultHasher, r.LeafIndex, r.TreeSize, decode(r.LeafHash), decodeAll(r.InclusionPath), decode(r.RootHash))
	case "consistency":
		return proof.VerifyConsistency(rfc6962.DefaultHasher, r.FirstSize, r.SecondSize, decodeAll(r.ConsistencyPath), decode(r.FirstRoot), decode(r.SecondRoot))
	default:
		fail(fmt.Errorf("unknown kind %q", r.Kind))
		return nil
	}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		if len(in.Bytes()) == 0 {
			continue
		}
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fail(err)
		}
		a := answer{OK: true}
		if err := check(r); err != nil {
			a = answer{OK: false, Error: err.Error()}
		}
		if err := enc.Encode(a); err != nil {
			fail(err)
		}
	}
	if err := in.Err(); err != nil {
		fail(err)
	}
}
