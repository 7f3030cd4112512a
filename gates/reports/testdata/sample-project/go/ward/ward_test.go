package ward

import "testing"

func TestAssignFree(t *testing.T) {
	w := &Ward{Name: "A", Beds: []Bed{{ID: "A1", Occupied: true}, {ID: "A2"}}}
	id, err := w.Assign(false)
	if err != nil || id != "A2" {
		t.Fatalf("got %q, %v", id, err)
	}
}

func TestAssignIsolationFull(t *testing.T) {
	w := &Ward{Name: "B", Beds: []Bed{{ID: "B1"}}}
	if _, err := w.Assign(true); err == nil {
		t.Fatal("expected an error")
	}
}

// TestOccupancyRounding fails on purpose: integer division truncates.
func TestOccupancyRounding(t *testing.T) {
	w := &Ward{Beds: []Bed{{Occupied: true}, {}, {}}}
	if got := w.Occupancy(); got != 34 {
		t.Errorf("Occupancy() = %d, want 34", got)
	}
}

func TestChecksumSkipped(t *testing.T) {
	t.Skip("checksum format not decided yet")
}
