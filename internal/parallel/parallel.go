// Package parallel runs functions concurrently on a conc pool and gathers
// every error with go-multierror.
package parallel

import (
	"context"
	"sync"

	"github.com/hashicorp/go-multierror"
	"github.com/sourcegraph/conc/pool"
)

// Options tunes Run. The zero value runs every function to completion with
// no limit on concurrency.
type Options struct {
	// FailFast cancels the context of the functions still running as soon
	// as one returns an error.
	FailFast bool
	// MaxConcurrency limits how many functions run at once; 0 means no limit.
	MaxConcurrency int
}

// Run calls every function concurrently and waits for all of them. It
// returns nil or a *multierror.Error holding each error in the order the
// functions returned them. A panic in a function is re-raised in the caller
// after the others finish, as conc does.
func Run(ctx context.Context, opts Options, fns ...func(context.Context) error) error {
	p := pool.New().WithContext(ctx)
	if opts.FailFast {
		p = p.WithCancelOnError()
	}
	if opts.MaxConcurrency > 0 {
		p = p.WithMaxGoroutines(opts.MaxConcurrency)
	}

	var (
		mu     sync.Mutex
		result *multierror.Error
	)
	for _, fn := range fns {
		p.Go(func(ctx context.Context) error {
			err := fn(ctx)
			if err != nil {
				mu.Lock()
				result = multierror.Append(result, err)
				mu.Unlock()
			}
			return err
		})
	}
	_ = p.Wait() // the same errors are in result, gathered with go-multierror
	return result.ErrorOrNil()
}
