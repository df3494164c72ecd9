// compose-check loads a Compose file with compose-go (the loader and JSON-schema validation that
// `docker compose config` uses) and checks the Covenant topology, without a Docker engine.
//
//	go run ./network/compose-check [docker-compose.yaml]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := "docker-compose.yaml"
	if len(os.Args) > 1 {
		file = os.Args[1]
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		fail("%v", err)
	}
	opts, err := cli.NewProjectOptions([]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithOsEnv,
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail("%v", err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail("%s is not a valid Compose file: %v", file, err)
	}

	want := map[string]string{
		"orderer0.example.com":   "hyperledger/fabric-orderer:",
		"orderer1.example.com":   "hyperledger/fabric-orderer:",
		"orderer2.example.com":   "hyperledger/fabric-orderer:",
		"peer0.org1.example.com": "hyperledger/fabric-peer:",
		"peer0.org2.example.com": "hyperledger/fabric-peer:",
		"peer0.org3.example.com": "hyperledger/fabric-peer:",
		"chaincode-org1":         "node:",
		"chaincode-org2":         "node:",
		"chaincode-org3":         "node:",
		"setup":                  "node:",
		"gateway":                "node:",
	}
	var problems []string
	for name, prefix := range want {
		svc, ok := project.Services[name]
		if !ok {
			problems = append(problems, "missing service "+name)
			continue
		}
		if !strings.HasPrefix(svc.Image, prefix) {
			problems = append(problems, fmt.Sprintf("service %s: image %q, want %s*", name, svc.Image, prefix))
		}
		for _, p := range svc.Ports {
			if p.HostIP != "127.0.0.1" {
				problems = append(problems, fmt.Sprintf("service %s: port %s published on %q, want 127.0.0.1", name, p.Published, p.HostIP))
			}
		}
	}
	if gw, ok := project.Services["gateway"]; ok {
		if v := gw.Environment["COVENANT_LEDGER"]; v == nil || *v != "fabric" {
			problems = append(problems, "service gateway: COVENANT_LEDGER must be fabric")
		}
		if strings.Join(gw.Command, " ") != "node gateway/dist/server.js" {
			problems = append(problems, fmt.Sprintf("service gateway: command %q", strings.Join(gw.Command, " ")))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		fail("%s:\n  %s", file, strings.Join(problems, "\n  "))
	}
	names := project.ServiceNames()
	sort.Strings(names)
	fmt.Printf("%s: valid Compose file (compose-go), project %q, %d services: %s\n", file, project.Name, len(names), strings.Join(names, " "))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "compose-check: "+format+"\n", args...)
	os.Exit(1)
}
