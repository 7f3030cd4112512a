package steps

import (
	"context"
	"fmt"
	"path"
	"strings"

	"dagger.io/dagger"
)

// Newman runs the Postman collections against the app service, which runs
// with PostgreSQL and Redis. Before the API tests it runs the database
// migrations up, down and up again, recording each exit status in
// migrations.txt, so a broken down-migration fails visibly.
var Newman = toolStep{
	spec: Spec{
		Name:        "newman",
		Phase:       PhaseTesting,
		Description: "newman API tests against the app with postgres and redis",
		ImageKey:    ImageNewman,
		Command:     newmanArgs(Detection{}, "COLLECTION", "http://app:3000"),
		CommandFor: func(d Detection, o Options) []string {
			if len(d.NewmanCollections) == 0 {
				return newmanArgs(d, "COLLECTION", appURL(o))
			}
			// The step runs this command once per collection.
			return newmanArgs(d, d.NewmanCollections[0], appURL(o))
		},
		Pulls:      newmanPulls,
		Reports:    []string{"newman-*.junit.xml", "migrations.txt", "migrations.log"},
		Gates:      []string{"api-tests", "migrations"},
		ToolSource: "the newman image (junit reporter built in); migrations from the project's scripts",
		Skip: func(d Detection, _ Options) (bool, string) {
			if len(d.NewmanCollections) == 0 {
				return true, "no *.postman_collection.json in the source"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		services, err := AppServices(env)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		migrations, err := env.migrations(services)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}

		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		// Mounting the migration reports orders the API tests after them.
		ctr = ctr.WithMountedDirectory("/hmsci/migrations", migrations.Directory(ReportsPath))
		if services.App != nil {
			ctr = ctr.WithServiceBinding(AppHost, services.App)
		}

		var script strings.Builder
		script.WriteString("cp /hmsci/migrations/migrations.txt /hmsci/migrations/migrations.log " + ReportsPath + "/\nstatus=0\n")
		for _, collection := range env.Detection.NewmanCollections {
			script.WriteString(shellJoin(newmanArgs(env.Detection, collection, services.AppURL)) + " || status=$?\n")
		}
		script.WriteString("exit $status")
		ctr = shell(ctr, script.String())
		return env.output(spec, ctr), nil
	},
}

// newmanArgs runs one collection with the environment file next to it.
func newmanArgs(d Detection, collection, target string) []string {
	name := strings.TrimSuffix(path.Base(collection), ".postman_collection.json")
	args := []string{"newman", "run", collection, "--env-var", "baseUrl=" + target}
	if envFile := matchingEnvironment(d.NewmanEnvironments, collection); envFile != "" {
		args = append(args, "--environment", envFile)
	}
	return append(args, "--reporters", "cli,junit",
		"--reporter-junit-export", reportPath("newman-"+name+".junit.xml"), "--color", "off")
}

// matchingEnvironment picks the Postman environment next to a collection,
// else the only one in the source.
func matchingEnvironment(environments []string, collection string) string {
	dir := path.Dir(collection)
	for _, e := range environments {
		if path.Dir(e) == dir {
			return e
		}
	}
	if len(environments) == 1 {
		return environments[0]
	}
	return ""
}

// migrationScripts are package.json script pairs tried in order when
// Options.MigrateUp is empty.
var migrationScripts = [][2]string{
	{"migrate:up", "migrate:down"},
	{"db:migrate", "db:rollback"},
	{"migrate", "migrate:rollback"},
	{"migrate", "rollback"},
}

// migrationCommands returns the up and down commands, or nil when the
// project has none.
func migrationCommands(d Detection, o Options) ([]string, []string) {
	if len(o.MigrateUp) > 0 {
		return o.MigrateUp, o.MigrateDown
	}
	for _, pair := range migrationScripts {
		_, up := d.Scripts[pair[0]]
		_, down := d.Scripts[pair[1]]
		if up && down {
			return []string{"npm", "run", pair[0]}, []string{"npm", "run", pair[1]}
		}
	}
	// A single "migrate" script taking the direction as its argument.
	if _, ok := d.Scripts["migrate"]; ok {
		return []string{"npm", "run", "migrate", "--", "up"}, []string{"npm", "run", "migrate", "--", "down"}
	}
	return nil, nil
}

// migrations runs up, down, up against the postgres service and records
// "up N", "down N", "up-again N" exit statuses in migrations.txt and their
// output in migrations.log. Without migration commands it records "none".
func (env *Env) migrations(services *Services) (*dagger.Container, error) {
	up, down := migrationCommands(env.Detection, env.Options)
	if len(up) == 0 || !env.Detection.Node && len(env.Options.MigrateUp) == 0 {
		ctr, err := env.base(Spec{Name: "migrations", ImageKey: ImageBusybox})
		if err != nil {
			return nil, err
		}
		return ctr.WithExec([]string{"sh", "-c", "echo none > " + reportPath("migrations.txt") + " && : > " + reportPath("migrations.log")}), nil
	}

	ctr, err := env.nodeDeps(Spec{Name: "migrations", ImageKey: ImageNode})
	if err != nil {
		return nil, err
	}
	if _, ok := env.Detection.Scripts["build"]; ok {
		// Migration scripts often run compiled output; a failed build is
		// an error of the step, not a migration result.
		ctr = ctr.WithExec([]string{"npm", "run", "build"})
	}
	ctr = env.withBackends(ctr, services)
	log := shellQuote(reportPath("migrations.log"))
	txt := shellQuote(reportPath("migrations.txt"))
	var script strings.Builder
	script.WriteString(": > " + txt + "\n: > " + log + "\n")
	for _, step := range []struct {
		name string
		args []string
	}{{"up", up}, {"down", down}, {"up-again", up}} {
		if len(step.args) == 0 {
			script.WriteString("echo " + step.name + " skipped >> " + txt + "\n")
			continue
		}
		fmt.Fprintf(&script, "echo '== %s' >> %s\n%s >> %s 2>&1\necho %s $? >> %s\n",
			step.name, log, shellJoin(step.args), log, step.name, txt)
	}
	return shell(ctr, script.String()), nil
}
