package toolreports

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

// maxLineLength is the longest line the text parsers accept.
const maxLineLength = 1 << 20

// lines calls fn with each line of data and its 1-based number, without
// the line ending. It stops at the first error.
func (r *reader) lines(name string, data []byte, fn func(number int, line string) error) error {
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 64<<10), maxLineLength)
	number := 0
	for scanner.Scan() {
		number++
		line := strings.TrimSuffix(scanner.Text(), "\r")
		if !utf8.ValidString(line) {
			return r.errorf(name, number, "invalid UTF-8 text: expected the tool's text output")
		}
		if err := fn(number, line); err != nil {
			return err
		}
	}
	if err := scanner.Err(); err != nil {
		return r.errorf(name, number+1, "read: %w", err)
	}
	return nil
}

// quoteValue quotes a masked, shortened line for an error message.
func quoteValue(line string) string {
	masked := maskMessage(line)
	if len(masked) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(masked[cut]) {
			cut--
		}
		masked = masked[:cut] + "…"
	}
	return strconv.Quote(masked)
}

var (
	// tscDiagnostic matches one diagnostic of `tsc --pretty false`, such
	// as "src/a.ts(12,5): error TS2322: Type 'string' is not assignable
	// to type 'number'."
	tscDiagnostic = regexp.MustCompile(`^(.+?)\((\d+),(\d+)\): (error|warning|message) TS(\d+): (.*)$`)
	// tscGlobal matches a diagnostic without a file, such as "error
	// TS5058: The specified path does not exist: 'tsconfig.json'."
	tscGlobal = regexp.MustCompile(`^(error|warning|message) TS(\d+): (.*)$`)
	// tscSummary matches the closing line that tsc --build and --watch
	// print, such as "Found 2 errors in 1 file.".
	tscSummary = regexp.MustCompile(`^Found \d+ errors?( in .*)?\.?$`)
)

// parseTSC reads tsc.txt, the stdout of `tsc --noEmit --pretty false`.
// Indented lines continue the previous diagnostic's message. A diagnostic
// without a file (a bad tsconfig.json) counts like any other: the project
// did not type-check.
func parseTSC(r *reader, a *policy.Analysis) error {
	const name = "tsc.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var (
		findings []gates.Finding
		messages []string
		// summary is set after the closing "Found N errors" line, which
		// may be followed by a table of files that repeats the counts.
		summary bool
	)
	err = r.lines(name, data, func(number int, line string) error {
		if summary || strings.TrimSpace(line) == "" {
			return nil
		}
		if tscSummary.MatchString(line) {
			summary = true
			return nil
		}
		if m := tscDiagnostic.FindStringSubmatch(line); m != nil {
			lineNo, errLine := strconv.Atoi(m[2])
			col, errCol := strconv.Atoi(m[3])
			if errLine != nil || errCol != nil {
				return r.errorf(name, number, "invalid position (%s,%s) in %s", m[2], m[3], quoteValue(line))
			}
			findings = append(findings, gates.Finding{
				Tool: policy.ToolTSC, RuleID: "TS" + m[5], Severity: tscSeverity(m[4]),
				Path: strings.ReplaceAll(m[1], `\`, "/"), Line: lineNo, Column: col,
			})
			messages = append(messages, m[6])
			return nil
		}
		if m := tscGlobal.FindStringSubmatch(line); m != nil {
			findings = append(findings, gates.Finding{Tool: policy.ToolTSC, RuleID: "TS" + m[2], Severity: tscSeverity(m[1])})
			messages = append(messages, m[3])
			return nil
		}
		if strings.HasPrefix(line, "  ") && len(findings) > 0 {
			messages[len(messages)-1] += " " + strings.TrimSpace(line)
			return nil
		}
		return r.errorf(name, number, "unrecognized line %s: expected a diagnostic such as \"src/a.ts(12,5): error TS2322: message\" from tsc --pretty false", quoteValue(line))
	})
	if err != nil {
		return err
	}
	for i, m := range maskMessages(messages) {
		findings[i].Message = m
	}
	a.Findings = findings
	return nil
}

func tscSeverity(category string) gates.Severity {
	switch category {
	case "error":
		return gates.SeverityHigh
	case "warning":
		return gates.SeverityMedium
	}
	return gates.SeverityInfo
}

// parsePrettier reads prettier.txt, the stdout of `prettier
// --list-different`: one path per line for each file whose formatting
// differs. The `--check` form ("Checking formatting...", "[warn] PATH")
// is read too, but Prettier 3.10 writes its "[warn]" lines to stderr, so
// a stdout capture of --check lists no file.
// NOTE: Prettier reports a file that it cannot parse on stderr only, so
// the file is missing from this list. The step's exit status 2 shows it.
func parsePrettier(r *reader, a *policy.Analysis) error {
	const name = "prettier.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var paths []string
	err = r.lines(name, data, func(number int, line string) error {
		line = strings.TrimSpace(line)
		switch {
		case line == "", line == "Checking formatting...", line == "All matched files use Prettier code style!":
			return nil
		case strings.HasPrefix(line, "[warn] Code style issues"):
			return nil
		case strings.HasPrefix(line, "[warn] "):
			line = strings.TrimPrefix(line, "[warn] ")
		case strings.HasPrefix(line, "[error] "):
			return r.errorf(name, number, "prettier reported an error: %s", quoteValue(line))
		}
		for _, c := range line {
			if c < ' ' {
				return r.errorf(name, number, "invalid path %s: contains a control character", quoteValue(line))
			}
		}
		paths = append(paths, strings.ReplaceAll(line, `\`, "/"))
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range paths {
		a.Findings = append(a.Findings, gates.Finding{
			Tool: policy.ToolPrettier, RuleID: "prettier/unformatted", Severity: gates.SeverityLow,
			Path: p, Message: "file is not formatted as Prettier formats it: run prettier --write on it",
		})
	}
	return nil
}

// statusLines reads a file of "NAME STATUS" lines as hmsci's shell steps
// write them (migrations.txt, cosign-sign.txt, cosign-verify.txt). STATUS
// is an exit status or "skipped". NAME must be one of names, each at most
// once.
func (r *reader) statusLines(name string, data []byte, names []string) (map[string]string, error) {
	got := map[string]string{}
	err := r.lines(name, data, func(number int, line string) error {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			return nil
		}
		if len(fields) != 2 {
			return r.errorf(name, number, "invalid line %s: expected a step name and an exit status, such as %q", quoteValue(line), names[0]+" 0")
		}
		known := false
		for _, n := range names {
			known = known || n == fields[0]
		}
		if !known {
			return r.errorf(name, number, "unknown step %s: expected one of %s", quoteValue(fields[0]), strings.Join(names, ", "))
		}
		if _, dup := got[fields[0]]; dup {
			return r.errorf(name, number, "duplicate step %q", fields[0])
		}
		if fields[1] != "skipped" {
			if code, err := strconv.Atoi(fields[1]); err != nil || code < 0 || code > 255 {
				return r.errorf(name, number, "invalid exit status %s for %s: expected 0 to 255 or \"skipped\"", quoteValue(fields[1]), fields[0])
			}
		}
		got[fields[0]] = fields[1]
		return nil
	})
	return got, err
}

// migrationSteps are the runs of migrations.txt in order.
var migrationSteps = []string{"up", "down", "up-again"}

// parseMigrations reads migrations.txt of the newman step: the exit
// status of the migrations run up, down and up again, or "none" when the
// project has no migration commands.
func parseMigrations(r *reader, a *policy.Analysis) error {
	const name = "migrations.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(data)) == "none" {
		a.Unmeasured = map[string]string{policy.CheckMigrations: "the project has no migration commands (package.json scripts migrate:up and migrate:down, db:migrate and db:rollback, or migrate and rollback)"}
		return nil
	}
	status, err := r.statusLines(name, data, migrationSteps)
	if err != nil {
		return err
	}
	if len(status) == 0 {
		return r.errorf(name, 0, "file is empty: the migrations did not run; read the step log")
	}
	var failed, skipped, missing []string
	for _, s := range migrationSteps {
		switch code, ok := status[s]; {
		case !ok:
			missing = append(missing, s)
		case code == "skipped":
			skipped = append(skipped, s)
		case code != "0":
			failed = append(failed, fmt.Sprintf("%s exited with status %s", s, code))
		}
	}
	if status["up"] == "skipped" {
		return r.errorf(name, 0, "the up migration was skipped, so nothing was migrated")
	}
	check := policy.Check{OK: len(failed) == 0 && len(missing) == 0}
	switch {
	case len(failed) > 0:
		check.Detail = strings.Join(failed, ", ") + "; read migrations.log"
	case len(missing) > 0:
		check.Detail = "the migration run stopped before " + strings.Join(missing, ", ") + "; read migrations.log"
	default:
		check.Detail = "up, down and up again exited with status 0"
		if len(skipped) > 0 {
			check.Detail = "ran without errors; skipped " + strings.Join(skipped, ", ") + " (no command configured)"
		}
	}
	a.Checks = map[string]policy.Check{policy.CheckMigrations: check}
	return nil
}

// parseTerraformDrift reads terraform-drift.txt: one "DIR STATUS" line
// per Terraform directory, the exit status of `terraform plan
// -detailed-exitcode` (0 no changes, 1 error, 2 changes). For a
// directory with changes, the counts of planned actions come from its
// terraform-plan-DIR.json (`terraform show -json`).
func parseTerraformDrift(r *reader, a *policy.Analysis) error {
	const name = "terraform-drift.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	type entry struct {
		dir    string
		status string
		line   int
	}
	var entries []entry
	err = r.lines(name, data, func(number int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" {
			return nil
		}
		cut := strings.LastIndexByte(line, ' ')
		if cut <= 0 {
			return r.errorf(name, number, "invalid line %s: expected a directory and a plan exit status, such as \"infra/prod 2\"", quoteValue(line))
		}
		dir, status := strings.TrimSpace(line[:cut]), line[cut+1:]
		if status != "0" && status != "1" && status != "2" {
			return r.errorf(name, number, "invalid plan exit status %s for %s: expected 0 (no changes), 1 (error) or 2 (changes)", quoteValue(status), quoteValue(dir))
		}
		entries = append(entries, entry{dir, status, number})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch e.status {
		case "1":
			a.Findings = append(a.Findings, gates.Finding{
				Tool: policy.ToolTerraformDrift, RuleID: "terraform/plan-failed", Severity: gates.SeverityMedium, Path: e.dir,
				Message: maskMessage(fmt.Sprintf("terraform init or plan failed in %s, so drift is unknown: check the provider credentials and backend access", e.dir)),
			})
		case "2":
			summary, err := r.planSummary(terraformPlanFile(e.dir))
			if err != nil {
				return err
			}
			a.Findings = append(a.Findings, gates.Finding{
				Tool: policy.ToolTerraformDrift, RuleID: "terraform/drift", Severity: gates.SeverityMedium, Path: e.dir,
				Message: maskMessage(fmt.Sprintf("the deployed infrastructure differs from %s: terraform plan would %s", e.dir, summary)),
			})
		}
	}
	return nil
}

// terraformPlanFile names the plan JSON of a directory as the
// terraform-drift step writes it.
func terraformPlanFile(dir string) string {
	safe := "root"
	if dir != "." {
		safe = strings.NewReplacer("/", "_", " ", "_").Replace(dir)
	}
	return "terraform-plan-" + safe + ".json"
}

// planSummary counts the actions of a plan JSON. Only resource addresses
// and actions are decoded: a plan also holds attribute values, which may
// be sensitive. A missing plan file gives a summary without counts.
func (r *reader) planSummary(name string) (string, error) {
	if !r.exists(name) {
		return "change resources (no plan JSON to count them)", nil
	}
	data, err := r.read(name)
	if err != nil {
		return "", err
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := r.decodeJSON(name, data, &plan); err != nil {
		return "", err
	}
	var add, change, destroy, replace int
	var addresses []string
	for _, rc := range plan.ResourceChanges {
		acts := strings.Join(rc.Change.Actions, ",")
		switch acts {
		case "create":
			add++
		case "update":
			change++
		case "delete":
			destroy++
		case "delete,create", "create,delete":
			replace++
		default:
			continue // no-op, read
		}
		if len(addresses) < 3 {
			addresses = append(addresses, rc.Address)
		}
	}
	text := fmt.Sprintf("add %d, change %d, replace %d and destroy %d resources", add, change, replace, destroy)
	if len(addresses) > 0 {
		text += " (" + strings.Join(addresses, ", ") + ")"
	}
	return text, nil
}
