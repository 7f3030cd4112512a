package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/hms-enterprise/hmsci/config"
)

func init() {
	var printPolicy, validatePolicy string
	register(&command{
		name:    "config print",
		summary: "print the effective policy as YAML, every default filled in",
		usage:   "[--policy hmsci.yaml]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&printPolicy, "policy", config.DefaultFile, "policy file; the built-in defaults apply if it does not exist")
		},
		run: func(_ context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				fmt.Fprintf(env.stderr, "ci config print: unexpected argument %q: name the policy file with --policy\n", args[0])
				return exitError{code: 2}
			}
			cfg, err := loadPolicy(env, printPolicy)
			if err != nil {
				fmt.Fprintln(env.stderr, err)
				return exitError{code: 2}
			}
			out, err := cfg.Marshal()
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "# effective hmsci policy from %s\n", cfg.Source)
			_, err = env.stdout.Write(out)
			return err
		},
	})
	register(&command{
		name:    "config validate",
		summary: "check a policy file and list every error with file, line and key; exit 2 if it is invalid or missing",
		usage:   "[--policy hmsci.yaml]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&validatePolicy, "policy", config.DefaultFile, "policy file to check")
		},
		run: func(_ context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				fmt.Fprintf(env.stderr, "ci config validate: unexpected argument %q: name the policy file with --policy\n", args[0])
				return exitError{code: 2}
			}
			if _, err := os.Stat(validatePolicy); errors.Is(err, fs.ErrNotExist) && !env.flagSet("policy") {
				fmt.Fprintf(env.stdout, "%s: not found; the built-in defaults apply\n", validatePolicy)
				return nil
			}
			if _, err := loadPolicy(env, validatePolicy); err != nil {
				fmt.Fprintln(env.stderr, err)
				return exitError{code: 2}
			}
			fmt.Fprintf(env.stdout, "%s: valid\n", validatePolicy)
			return nil
		},
	})
}
