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

// environment holds the streams and lookups a command may use, so tests
// can run commands without a process.
type environment struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// flagsSet holds the flags given on the command line, so a command can
	// tell an explicit --policy from its default.
	flagsSet map[string]bool
}

// flagSet reports whether the named flag was given on the command line.
func (env *environment) flagSet(name string) bool { return env.flagsSet[name] }

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
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			printCommands(env.stderr)
			return 0
		}
		if group := commandGroup(args[0]); len(group) > 0 {
			return printGroup(env, args, group)
		}
		printCommands(env.stderr)
		fmt.Fprintf(env.stderr, "\nunknown command %q", args[0])
		if near := closestCommand(args[0]); near != "" {
			fmt.Fprintf(env.stderr, "; did you mean %q?", near)
		}
		fmt.Fprintln(env.stderr)
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

	env.flagsSet = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { env.flagsSet[f.Name] = true })

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

// commandGroup returns the commands whose first word is word when it names
// a group of subcommands, such as "fhir" for "fhir validate".
func commandGroup(word string) []string {
	var group []string
	for name := range commands {
		if first, _, found := strings.Cut(name, " "); found && first == word {
			group = append(group, name)
		}
	}
	sort.Strings(group)
	return group
}

// printGroup lists a group's subcommands and returns the exit status: 0
// for a help request, 2 when the subcommand is missing or unknown.
func printGroup(env *environment, args []string, group []string) int {
	help := len(args) > 1 && (args[1] == "-h" || args[1] == "--help" || args[1] == "help")
	w := env.stderr
	if !help {
		if len(args) > 1 {
			fmt.Fprintf(w, "unknown command %q\n", strings.Join(args[:2], " "))
		} else {
			fmt.Fprintf(w, "%s needs a subcommand\n", args[0])
		}
	}
	fmt.Fprintf(w, "usage: go run ./ci %s <subcommand> [flags]\n\nsubcommands:\n", args[0])
	for _, name := range group {
		fmt.Fprintf(w, "  %-20s %s\n", name, commands[name].summary)
	}
	if help {
		return 0
	}
	return 2
}

// closestCommand returns the registered command nearest to word by edit
// distance, or "" when none is close.
func closestCommand(word string) string {
	best, bestDistance := "", 3
	for name := range commands {
		first, _, _ := strings.Cut(name, " ")
		if d := editDistance(word, first); d < bestDistance || (d == bestDistance && first < best) {
			best, bestDistance = first, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
