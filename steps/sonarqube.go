package steps

import (
	"context"
	"fmt"
)

// SonarQube runs the SonarScanner against a SonarQube server, waits for the
// server's analysis, and stores the project's quality gate status from the
// web API (api/qualitygates/project_status) as JSON. The token travels only
// as a secret variable; curl reads it from the environment.
var SonarQube = toolStep{
	spec: Spec{
		Name:        "sonarqube",
		Phase:       PhaseQuality,
		Description: "sonarqube analysis and quality gate",
		ImageKey:    ImageSonarScanner,
		Command:     sonarScannerArgs("KEY"),
		CommandFor: func(_ Detection, o Options) []string {
			if o.SonarProjectKey == "" {
				return sonarScannerArgs("KEY")
			}
			return sonarScannerArgs(o.SonarProjectKey)
		},
		Pulls: func(_ Detection, o Options) []Pull {
			return []Pull{imagePull(o, ImageCurl, "SonarQube web API call")}
		},
		Reports:    []string{"sonarqube-quality-gate.json"},
		Gates:      []string{"sonarqube-quality-gate"},
		Optional:   true,
		ToolSource: "the sonar-scanner-cli image, then the curl image for the web API",
		Skip: func(d Detection, o Options) (bool, string) {
			switch {
			case o.SonarURL == "":
				return true, "no SonarQube server URL configured"
			case o.SonarToken == nil:
				return true, "no SonarQube token secret configured"
			case o.SonarProjectKey == "":
				return true, "no SonarQube project key configured"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		o := env.Options
		scanner, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		// Root, so the scanner can write the cache volume whatever user the
		// image declares.
		scanner = scanner.
			WithUser("0").
			WithMountedCache("/opt/sonar-scanner/.sonar/cache", env.cache(CacheSonar)).
			WithEnvVariable("SONAR_USER_HOME", "/opt/sonar-scanner/.sonar").
			WithEnvVariable("SONAR_HOST_URL", o.SonarURL).
			WithSecretVariable("SONAR_TOKEN", o.SonarToken)
		scanner = runTo(scanner, reportPath("sonar-scanner.log"), sonarScannerArgs(o.SonarProjectKey)...)

		curlRef, err := env.Images.Resolve(ImageCurl)
		if err != nil {
			return nil, err
		}
		// Mounting the scanner's reports makes the API call wait for it.
		status := env.Client.Container().From(curlRef).
			WithMountedDirectory("/hmsci/scanner", scanner.Directory(ReportsPath)).
			WithDirectory(ReportsPath, env.Client.Directory()).
			WithEnvVariable("SONAR_HOST_URL", o.SonarURL).
			WithEnvVariable("SONAR_PROJECT_KEY", o.SonarProjectKey).
			WithSecretVariable("SONAR_TOKEN", o.SonarToken)
		status = shell(status, fmt.Sprintf(
			`curl -sS --get -u "$SONAR_TOKEN:" --data-urlencode "projectKey=$SONAR_PROJECT_KEY" `+
				`"${SONAR_HOST_URL%%/}/api/qualitygates/project_status" -o %s`,
			shellQuote(reportPath("sonarqube-quality-gate.json"))))
		return env.output(spec, status), nil
	},
}

func sonarScannerArgs(projectKey string) []string {
	return []string{"sonar-scanner", "-Dsonar.projectKey=" + projectKey, "-Dsonar.qualitygate.wait=true",
		"-Dsonar.working.directory=" + ReportsPath + "/.scannerwork"}
}
