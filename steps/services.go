package steps

import (
	"fmt"
	"strconv"

	"dagger.io/dagger"
)

// Service host names inside the Dagger network, as bound by AppServices.
const (
	AppHost      = "app"
	PostgresHost = "postgres"
	RedisHost    = "redis"
	// TestDatabase is the database the postgres service creates.
	TestDatabase = "hmsci"
)

// Services are the app and its backing services for API, browser, load and
// DAST tests.
type Services struct {
	App      *dagger.Service
	Postgres *dagger.Service
	Redis    *dagger.Service
	// AppURL is the app's address from bound containers, or Options.TargetURL.
	AppURL string
	// DatabaseURL and RedisURL are the connection strings the app gets.
	DatabaseURL string
	RedisURL    string
}

// appURL is the address the app-facing steps target: Options.TargetURL,
// else the app service that AppServices defines.
func appURL(o Options) string {
	if o.TargetURL != "" {
		return o.TargetURL
	}
	return fmt.Sprintf("http://%s:%d", AppHost, o.AppPort)
}

// AppServices defines, once per Env, PostgreSQL and Redis services and the
// app started from the source: from its Dockerfile when there is one, else
// with the package.json start script. The test database trusts local
// connections, so no password exists to leak. Nothing starts until a
// container that binds a service runs.
func AppServices(env *Env) (*Services, error) {
	env.servicesOnce.Do(func() {
		env.services, env.servicesErr = env.buildServices()
	})
	return env.services, env.servicesErr
}

func (env *Env) buildServices() (*Services, error) {
	pgRef, err := env.Images.Resolve(ImagePostgres)
	if err != nil {
		return nil, err
	}
	redisRef, err := env.Images.Resolve(ImageRedis)
	if err != nil {
		return nil, err
	}

	s := &Services{
		DatabaseURL: fmt.Sprintf("postgres://postgres@%s:5432/%s?sslmode=disable", PostgresHost, TestDatabase),
		RedisURL:    fmt.Sprintf("redis://%s:6379", RedisHost),
	}
	s.Postgres = env.Client.Container().From(pgRef).
		WithEnvVariable("POSTGRES_HOST_AUTH_METHOD", "trust").
		WithEnvVariable("POSTGRES_DB", TestDatabase).
		WithExposedPort(5432).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	s.Redis = env.Client.Container().From(redisRef).
		WithExposedPort(6379).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})

	s.AppURL = appURL(env.Options)
	if env.Options.TargetURL != "" {
		return s, nil
	}

	port := env.Options.AppPort

	app, opts, err := env.appContainer()
	if err != nil {
		return nil, err
	}
	app = env.withBackends(app, s).
		WithEnvVariable("PORT", strconv.Itoa(port)).
		WithEnvVariable("HOST", "0.0.0.0").
		WithEnvVariable("NODE_ENV", "test")
	for _, name := range sortedEnv(env.Options.AppEnv) {
		app = app.WithEnvVariable(name, env.Options.AppEnv[name])
	}
	s.App = app.WithExposedPort(port).AsService(opts)
	return s, nil
}

// withBackends binds postgres and redis and sets the usual connection
// variables.
func (env *Env) withBackends(ctr *dagger.Container, s *Services) *dagger.Container {
	return ctr.
		WithServiceBinding(PostgresHost, s.Postgres).
		WithServiceBinding(RedisHost, s.Redis).
		WithEnvVariable("DATABASE_URL", s.DatabaseURL).
		WithEnvVariable("PGHOST", PostgresHost).
		WithEnvVariable("PGUSER", "postgres").
		WithEnvVariable("PGDATABASE", TestDatabase).
		WithEnvVariable("REDIS_URL", s.RedisURL)
}

// appContainer returns the container the app service runs and how to start
// it: the built image with its entrypoint, or the source with npm start.
func (env *Env) appContainer() (*dagger.Container, dagger.ContainerAsServiceOpts, error) {
	o := env.Options
	if len(env.Detection.Dockerfiles) > 0 || o.Dockerfile != "" {
		image, err := BuiltImage(env)
		if err != nil {
			return nil, dagger.ContainerAsServiceOpts{}, err
		}
		if len(o.AppCommand) > 0 {
			return image, dagger.ContainerAsServiceOpts{Args: o.AppCommand}, nil
		}
		return image, dagger.ContainerAsServiceOpts{UseEntrypoint: true}, nil
	}
	if !env.Detection.Node {
		return nil, dagger.ContainerAsServiceOpts{}, fmt.Errorf("cannot start the app: no Dockerfile and no package.json in the source; set a target URL instead")
	}
	ctr, err := env.nodeDeps(Spec{Name: "app", ImageKey: ImageNode})
	if err != nil {
		return nil, dagger.ContainerAsServiceOpts{}, err
	}
	args := o.AppCommand
	if len(args) == 0 {
		args = []string{"npm", "start"}
	}
	return ctr, dagger.ContainerAsServiceOpts{Args: args}, nil
}

// BuiltImage returns, once per Env, the app image built from the
// Dockerfile with the configured build arguments, secrets and target.
func BuiltImage(env *Env) (*dagger.Container, error) {
	env.imageOnce.Do(func() {
		env.image, env.imageErr = env.buildImage()
	})
	return env.image, env.imageErr
}

func (env *Env) buildImage() (*dagger.Container, error) {
	o := env.Options
	dockerfile := o.Dockerfile
	if dockerfile == "" {
		if len(env.Detection.Dockerfiles) == 0 {
			return nil, fmt.Errorf("no Dockerfile in the source")
		}
		dockerfile = env.Detection.Dockerfiles[0]
	}
	opts := dagger.DirectoryDockerBuildOpts{
		Dockerfile: dockerfile,
		Target:     o.BuildTarget,
		Secrets:    o.BuildSecrets,
	}
	for _, name := range sortedEnv(o.BuildArgs) {
		opts.BuildArgs = append(opts.BuildArgs, dagger.BuildArg{Name: name, Value: o.BuildArgs[name]})
	}
	return env.Source.DockerBuild(opts), nil
}
