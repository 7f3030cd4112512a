package engine

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fakeProbe(env map[string]string, onPath bool) Probe {
	return Probe{
		Getenv: func(k string) string { return env[k] },
		LookPath: func(name string) (string, error) {
			if !onPath {
				return "", errors.New("executable file not found in $PATH")
			}
			return "/usr/local/bin/" + name, nil
		},
		Dial: (&net.Dialer{}).DialContext,
	}
}

func TestAvailableRules(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer listener.Close()
	openPort := strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := strconv.Itoa(closed.Addr().(*net.TCPAddr).Port)
	require.NoError(t, closed.Close())

	tests := []struct {
		name       string
		env        map[string]string
		onPath     bool
		want       bool
		reasonPart string
	}{
		{"nothing set", map[string]string{}, true, false, "HMSCI_ENGINE=1"},
		{"session port open", map[string]string{SessionPortVar: openPort, SessionTokenVar: "t"}, false, true, "127.0.0.1:" + openPort},
		{"session port closed", map[string]string{SessionPortVar: closedPort, SessionTokenVar: "t"}, false, false, "refused or timed out"},
		{"session port without token", map[string]string{SessionPortVar: openPort}, false, false, "DAGGER_SESSION_TOKEN is missing"},
		{"session port not a number", map[string]string{SessionPortVar: "http", SessionTokenVar: "t"}, false, false, `"http" is not a TCP port`},
		{"session port out of range", map[string]string{SessionPortVar: "70000", SessionTokenVar: "t"}, false, false, "not a TCP port"},
		{"cli bin found", map[string]string{CLIBinVar: "dagger"}, true, true, "/usr/local/bin/dagger"},
		{"cli bin missing", map[string]string{CLIBinVar: "dagger"}, false, false, "not an executable"},
		{"opt in with cli", map[string]string{OptInVar: "1"}, true, true, "/usr/local/bin/dagger"},
		{"opt in without cli", map[string]string{OptInVar: "1"}, false, false, "no dagger CLI on PATH"},
		{"opt in invalid", map[string]string{OptInVar: "yes"}, true, false, `"yes" is invalid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := fakeProbe(tt.env, tt.onPath).Available(context.Background())
			assert.Equal(t, tt.want, got, reason)
			assert.Contains(t, reason, tt.reasonPart)
			assert.NotContains(t, reason, "\n")
		})
	}
}

func TestAvailableTimesOutFast(t *testing.T) {
	probe := fakeProbe(map[string]string{SessionPortVar: "1234", SessionTokenVar: "t"}, false)
	probe.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}

	start := time.Now()
	got, reason := probe.Available(context.Background())
	elapsed := time.Since(start)

	assert.False(t, got)
	assert.Contains(t, reason, "timed out")
	assert.Less(t, elapsed, 2*DialTimeout)
}

func TestConnectRefusesWithoutEngine(t *testing.T) {
	_, err := fakeProbe(map[string]string{}, false).Connect(context.Background())
	require.ErrorIs(t, err, ErrUnavailable)
}
