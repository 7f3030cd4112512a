package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"dagger.io/dagger"
)

// ErrUnavailable is returned by Connect when no engine can be reached.
var ErrUnavailable = errors.New("no Dagger engine")

// Connect opens a Dagger client only when Available reports an engine, so
// the SDK never falls back to downloading its CLI. In the HMSCI_ENGINE=1
// mode it points the SDK at the dagger CLI on PATH by setting
// _EXPERIMENTAL_DAGGER_CLI_BIN for this process.
func Connect(ctx context.Context, opts ...dagger.ClientOpt) (*dagger.Client, error) {
	return DefaultProbe().Connect(ctx, opts...)
}

// Connect is the package-level Connect with p's lookups.
func (p Probe) Connect(ctx context.Context, opts ...dagger.ClientOpt) (*dagger.Client, error) {
	ok, reason := p.Available(ctx)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnavailable, strings.TrimPrefix(reason, "no Dagger engine: "))
	}

	if strings.TrimSpace(p.Getenv(SessionPortVar)) == "" && strings.TrimSpace(p.Getenv(CLIBinVar)) == "" {
		path, err := p.LookPath("dagger")
		if err != nil {
			return nil, fmt.Errorf("%w: dagger CLI not on PATH: %w", ErrUnavailable, err)
		}
		if err := os.Setenv(CLIBinVar, path); err != nil {
			return nil, fmt.Errorf("set %s=%q: %w", CLIBinVar, path, err)
		}
	}

	client, err := dagger.Connect(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to Dagger engine: %w", err)
	}
	return client, nil
}
