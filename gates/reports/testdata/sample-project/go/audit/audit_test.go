package audit

import (
	"testing"
	"time"

	"example.com/wardsample/ward"
)

func TestAdd(t *testing.T) {
	var l Log
	l.Add("dr.who", "MRN-1", time.Unix(0, 0))
	if l.Len() != 1 {
		t.Fatal("entry not added")
	}
}

func TestDescribe(t *testing.T) {
	w := &ward.Ward{Name: "C", Beds: []ward.Bed{{ID: "C1", Occupied: true}, {ID: "C2"}}}
	if got := Describe(w); got != "C (2 beds, 50% occupied)" {
		t.Errorf("Describe() = %q", got)
	}
}
