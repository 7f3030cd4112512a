// Package daggertest records the GraphQL queries that the Dagger Go SDK
// sends and returns fake IDs for them, so tests can check what a pipeline
// would request from an engine without running one.
package daggertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// IDPrefix starts every fake ID the Recorder returns.
const IDPrefix = "daggertest-id-"

var fakeID = regexp.MustCompile(IDPrefix + `\d+`)

// Recorder implements the SDK's engineconn.EngineConn. Pass it with
// dagger.Connect(ctx, dagger.WithConn(rec)). For the final field of each
// query it returns a new fake ID for "id" and "sync", the value from Leaves
// for the fields listed there, and an empty string for anything else.
type Recorder struct {
	// Leaves maps leaf fields other than id and sync, such as "stdout"
	// or "exitCode", to the values returned for them.
	Leaves map[string]any

	mu      sync.Mutex
	queries []string
	byID    map[string]string
	next    int
}

// New returns an empty Recorder.
func New() *Recorder {
	return &Recorder{Leaves: map[string]any{}, byID: map[string]string{}}
}

// Host returns a placeholder host; the Recorder never opens a connection.
func (r *Recorder) Host() string { return "daggertest.invalid" }

// Close does nothing.
func (r *Recorder) Close() error { return nil }

type request struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// Do records the GraphQL query in req and returns a JSON response shaped
// like the query's selection chain.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	var gql request
	if err := json.Unmarshal(body, &gql); err != nil {
		return nil, fmt.Errorf("decode GraphQL request %q: %w", truncate(string(body), 200), err)
	}

	path, err := SelectionPath(gql.Query)
	if err != nil {
		return nil, err
	}

	r.mu.Lock()
	r.queries = append(r.queries, gql.Query)
	leaf := path[len(path)-1]
	var value any
	switch leaf {
	case "id", "sync":
		r.next++
		id := fmt.Sprintf("%s%d", IDPrefix, r.next)
		r.byID[id] = gql.Query
		value = id
	default:
		if v, ok := r.Leaves[leaf]; ok {
			value = v
		} else {
			value = ""
		}
	}
	r.mu.Unlock()

	for i := len(path) - 1; i >= 0; i-- {
		value = map[string]any{path[i]: value}
	}
	data, err := json.Marshal(map[string]any{"data": value})
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Header:     http.Header{"Content-Type": []string{"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(data)),
		Request:    req,
	}, nil
}

// SelectionPath returns the field names of a single-chain query such as
// `query Query {container{from(address:"a"){id}}}`: container, from, id.
// Arguments, including strings with braces, are skipped.
func SelectionPath(query string) ([]string, error) {
	start := strings.IndexByte(query, '{')
	if start < 0 {
		return nil, fmt.Errorf("query %q has no selection set", truncate(query, 200))
	}
	var path []string
	i := start
	for i < len(query) {
		c := query[i]
		switch {
		case c == '{' || c == ' ' || c == '\n' || c == '\t':
			i++
		case c == '}':
			if len(path) == 0 {
				return nil, fmt.Errorf("query %q selects no field", truncate(query, 200))
			}
			return path, nil
		case c == '(':
			end, err := skipArguments(query, i)
			if err != nil {
				return nil, err
			}
			i = end
		case isNameByte(c):
			j := i
			for j < len(query) && isNameByte(query[j]) {
				j++
			}
			name := query[i:j]
			// An alias "a:field" names the response key; keep the alias.
			if j < len(query) && query[j] == ':' {
				k := j + 1
				for k < len(query) && isNameByte(query[k]) {
					k++
				}
				j = k
			}
			path = append(path, name)
			i = j
		default:
			return nil, fmt.Errorf("query %q: unexpected %q at offset %d", truncate(query, 200), c, i)
		}
	}
	return nil, fmt.Errorf("query %q: unbalanced braces", truncate(query, 200))
}

// skipArguments returns the offset after the ')' matching query[open].
func skipArguments(query string, open int) (int, error) {
	depth := 0
	inString := false
	for i := open; i < len(query); i++ {
		c := query[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("query %q: unbalanced parentheses at offset %d", truncate(query, 200), open)
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Queries returns every recorded query in order.
func (r *Recorder) Queries() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.queries...)
}

// QueryFor returns the query that produced a fake ID.
func (r *Recorder) QueryFor(id string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	q, ok := r.byID[id]
	return q, ok
}

// Expand returns the query that produced id with every fake ID inside it
// replaced, recursively, by the query that produced that ID in brackets.
// The result reads as the whole object graph behind id. IDs of setSecret
// queries are replaced by "<secret NAME>", so the expansion never shows a
// secret's plaintext.
func (r *Recorder) Expand(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.expand(id, map[string]bool{})
}

var secretName = regexp.MustCompile(`setSecret\([^)]*name:"([^"]*)"`)

func (r *Recorder) expand(id string, visiting map[string]bool) string {
	q, ok := r.byID[id]
	if !ok {
		return id
	}
	if visiting[id] {
		return "<cycle " + id + ">"
	}
	if m := secretName.FindStringSubmatch(q); m != nil {
		return "<secret " + m[1] + ">"
	}
	visiting[id] = true
	defer delete(visiting, id)
	return fakeID.ReplaceAllStringFunc(q, func(inner string) string {
		return "[" + r.expand(inner, visiting) + "]"
	})
}

// QueriesContaining returns the recorded queries that contain s, for
// checks such as "a secret's plaintext appears only in setSecret".
func (r *Recorder) QueriesContaining(s string) []string {
	var out []string
	for _, q := range r.Queries() {
		if strings.Contains(q, s) {
			out = append(out, q)
		}
	}
	return out
}

// CacheVolumeKeys returns the keys of every cacheVolume query, sorted.
func (r *Recorder) CacheVolumeKeys() []string {
	keyPattern := regexp.MustCompile(`cacheVolume\([^)]*key:"([^"]*)"`)
	seen := map[string]bool{}
	for _, q := range r.Queries() {
		for _, m := range keyPattern.FindAllStringSubmatch(q, -1) {
			seen[m[1]] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
