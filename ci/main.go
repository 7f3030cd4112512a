// Command ci runs hmsci: the pipeline, its phases, and the engine-free
// checks (gates, PHI scan, FHIR validation) that need no Dagger engine.
//
// Each command lives in its own file and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// command is one subcommand of ci, such as "gate" or "config print".
type command struct {
	// name is the words that select it, such as "config print".
	name string
	// summary is one line for the command list.
	summary string
	// usage follows the name in the usage line, such as "[--policy FILE] PATH...".
	usage string
	// flags registers the command's flags; it may be nil.
	flags func(fs *flag.FlagSet)
	// run executes the command with the arguments left after flag parsing.
	run func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command may touch, so tests can run commands
// without a process.
type environment struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// exitError carries a specific exit status out of a command without an
// extra message: the command has already written what the user needs.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("ci: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runMain(ctx, &environment{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// runMain selects the command named by the leading words of args, runs it
// and returns the process exit status.
func runMain(ctx context.Context, env *environment, args []string) int {
	cmd, rest := lookup(args)
	if cmd == nil {
		printCommands(env.stderr)
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return 0
		}
		fmt.Fprintf(env.stderr, "\nunknown command %q\n", strings.Join(args, " "))
		return 2
	}

	fs := flag.NewFlagSet("ci "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: go run ./ci %s %s\n\n%s\n", cmd.name, cmd.usage, cmd.summary)
		if hasFlags(fs) {
			fmt.Fprintln(env.stderr, "\nflags:")
			fs.PrintDefaults()
		}
	}
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	err := cmd.run(ctx, env, fs.Args())
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	default:
		fmt.Fprintf(env.stderr, "ci %s: %v\n", cmd.name, err)
		return 1
	}
}

// lookup finds the longest registered command name that prefixes args.
func lookup(args []string) (*command, []string) {
	for n := len(args); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:]
		}
	}
	return nil, args
}

func hasFlags(fs *flag.FlagSet) bool {
	found := false
	fs.VisitAll(func(*flag.Flag) { found = true })
	return found
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./ci <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'go run ./ci <command> -h' for a command's flags.")
}
