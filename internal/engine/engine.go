// Package engine reports whether a Dagger engine can be reached from this
// process without letting the Dagger SDK download its CLI.
package engine

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// DialTimeout is how long Available waits for the session port to accept a
// TCP connection.
const DialTimeout = 300 * time.Millisecond

// Environment variables that Available reads.
const (
	// SessionPortVar is set by `dagger run` and inside Dagger functions.
	SessionPortVar = "DAGGER_SESSION_PORT"
	// SessionTokenVar must accompany SessionPortVar.
	SessionTokenVar = "DAGGER_SESSION_TOKEN"
	// CLIBinVar points the SDK at a local dagger CLI instead of a download.
	CLIBinVar = "_EXPERIMENTAL_DAGGER_CLI_BIN"
	// OptInVar set to 1 lets the SDK start an engine through the dagger CLI
	// found on PATH.
	OptInVar = "HMSCI_ENGINE"
)

// Probe holds the lookups Available uses, so tests can replace them.
type Probe struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	Dial     func(ctx context.Context, network, address string) (net.Conn, error)
}

// Available reports whether dagger.Connect can reach an engine without
// downloading anything. When it returns false, the string is a one-line
// reason for the user; when true, it names how the engine is reached.
func Available(ctx context.Context) (bool, string) {
	return DefaultProbe().Available(ctx)
}

// DefaultProbe returns a Probe on the real environment, PATH and network.
func DefaultProbe() Probe {
	dialer := &net.Dialer{}
	return Probe{Getenv: os.Getenv, LookPath: exec.LookPath, Dial: dialer.DialContext}
}

// Available applies the rules of the package-level Available with p's
// lookups. The rules, in order:
//   - DAGGER_SESSION_PORT set: true iff 127.0.0.1:PORT accepts TCP within
//     DialTimeout.
//   - _EXPERIMENTAL_DAGGER_CLI_BIN set: true iff it names an executable.
//   - HMSCI_ENGINE=1: true iff a dagger CLI is on PATH.
//   - otherwise false.
func (p Probe) Available(ctx context.Context) (bool, string) {
	if port := strings.TrimSpace(p.Getenv(SessionPortVar)); port != "" {
		if strings.TrimSpace(p.Getenv(SessionTokenVar)) == "" {
			return false, fmt.Sprintf("no Dagger engine: %s is set but %s is missing", SessionPortVar, SessionTokenVar)
		}
		return p.checkSessionPort(ctx, port)
	}

	if bin := strings.TrimSpace(p.Getenv(CLIBinVar)); bin != "" {
		path, err := p.LookPath(bin)
		if err != nil {
			return false, fmt.Sprintf("no Dagger engine: %s=%q is not an executable: %v", CLIBinVar, bin, err)
		}
		return true, fmt.Sprintf("Dagger engine through the CLI %s", path)
	}

	if optIn := strings.TrimSpace(p.Getenv(OptInVar)); optIn != "" {
		if optIn != "1" {
			return false, fmt.Sprintf("no Dagger engine: %s=%q is invalid, set it to 1 to opt in", OptInVar, optIn)
		}
		path, err := p.LookPath("dagger")
		if err != nil {
			return false, fmt.Sprintf("no Dagger engine: %s=1 but no dagger CLI on PATH", OptInVar)
		}
		return true, fmt.Sprintf("Dagger engine through the CLI %s (set %s=%s before dagger.Connect)", path, CLIBinVar, path)
	}

	return false, fmt.Sprintf("no Dagger engine: run under `dagger run`, or set %s=1 with the dagger CLI on PATH", OptInVar)
}

func (p Probe) checkSessionPort(ctx context.Context, port string) (bool, string) {
	number, err := strconv.Atoi(port)
	if err != nil || number < 1 || number > 65535 {
		return false, fmt.Sprintf("no Dagger engine: %s=%q is not a TCP port", SessionPortVar, port)
	}

	dialCtx, cancel := context.WithTimeout(ctx, DialTimeout)
	defer cancel()

	address := net.JoinHostPort("127.0.0.1", strconv.Itoa(number))
	conn, err := p.Dial(dialCtx, "tcp", address)
	if err != nil {
		return false, fmt.Sprintf("no Dagger engine: %s=%d but %s refused or timed out within %s: %v", SessionPortVar, number, address, DialTimeout, err)
	}
	_ = conn.Close()
	return true, fmt.Sprintf("Dagger session on %s", address)
}
