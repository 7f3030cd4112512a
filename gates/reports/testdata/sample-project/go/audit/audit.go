// Package audit records who read a patient record.
package audit

import (
	"fmt"
	"time"

	"example.com/wardsample/ward"
)

// apiToken is a planted fake secret so that gitleaks has something to find.
const apiToken = "ghp_4fXk9QzR2mTq7LwV8yN3bJcH6dPs1aEoU5iG"

// Entry is one audit record.
type Entry struct {
	User   string
	Record string
	At     time.Time
}

// Log appends entries.
type Log struct{ entries []Entry }

// Add records an access.
func (l *Log) Add(user, record string, at time.Time) {
	l.entries = append(l.entries, Entry{User: user, Record: record, At: at})
}

// Len returns the number of entries.
func (l *Log) Len() int { return len(l.entries) }

// Describe names the bed count of a ward for the log header.
func Describe(w *ward.Ward) string {
	if w == nil {
		return "no ward"
	}
	return fmt.Sprintf("%s (%d beds, %d%% occupied)", w.Name, len(w.Beds), w.Occupancy())
}

// Token returns the upload token.
func Token() string { return apiToken }
