package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunCollectsEveryError(t *testing.T) {
	errA, errB := errors.New("a failed"), errors.New("b failed")
	var ran atomic.Int32
	err := Run(context.Background(), Options{},
		func(context.Context) error { ran.Add(1); return errA },
		func(context.Context) error { ran.Add(1); return nil },
		func(context.Context) error { ran.Add(1); return errB },
	)
	require.Error(t, err)
	var merr *multierror.Error
	require.ErrorAs(t, err, &merr)
	assert.Len(t, merr.Errors, 2)
	assert.ErrorIs(t, err, errA)
	assert.ErrorIs(t, err, errB)
	assert.Equal(t, int32(3), ran.Load())
}

func TestRunNoErrorsReturnsNil(t *testing.T) {
	err := Run(context.Background(), Options{},
		func(context.Context) error { return nil },
		func(context.Context) error { return nil },
	)
	assert.NoError(t, err)
}

func TestRunFailFastCancelsOthers(t *testing.T) {
	started := make(chan struct{})
	err := Run(context.Background(), Options{FailFast: true},
		func(ctx context.Context) error {
			close(started)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Second):
				return errors.New("not cancelled")
			}
		},
		func(context.Context) error {
			<-started
			return errors.New("boom")
		},
	)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotContains(t, err.Error(), "not cancelled")
}

func TestRunWithoutFailFastLetsOthersFinish(t *testing.T) {
	started := make(chan struct{})
	var finished atomic.Bool
	err := Run(context.Background(), Options{},
		func(ctx context.Context) error {
			close(started)
			time.Sleep(50 * time.Millisecond)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			finished.Store(true)
			return nil
		},
		func(context.Context) error {
			<-started
			return errors.New("boom")
		},
	)
	require.Error(t, err)
	assert.True(t, finished.Load())
}

func TestRunMaxConcurrency(t *testing.T) {
	var running, peak atomic.Int32
	fns := make([]func(context.Context) error, 8)
	for i := range fns {
		fns[i] = func(context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			return nil
		}
	}
	require.NoError(t, Run(context.Background(), Options{MaxConcurrency: 2}, fns...))
	assert.LessOrEqual(t, peak.Load(), int32(2))
}
