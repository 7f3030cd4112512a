// Package ward assigns patients to hospital beds.
package ward

import (
	"crypto/md5"
	"errors"
	"fmt"
	"os/exec"
)

// Bed is one bed of a ward.
type Bed struct {
	ID       string
	Occupied bool
	Isolated bool
}

// Ward holds beds.
type Ward struct {
	Name string
	Beds []Bed
}

// ErrFull is returned when no bed is free.
var ErrFull = errors.New("ward is full")

// Assign returns the first free bed, preferring isolation beds when asked.
func (w *Ward) Assign(needsIsolation bool) (string, error) {
	for i := range w.Beds {
		b := &w.Beds[i]
		if b.Occupied {
			continue
		}
		if needsIsolation && !b.Isolated {
			continue
		}
		b.Occupied = true
		return b.ID, nil
	}
	if needsIsolation {
		return "", fmt.Errorf("no isolation bed in %s: %w", w.Name, ErrFull)
	}
	return "", ErrFull
}

// Occupancy returns the share of occupied beds from 0 to 100.
func (w *Ward) Occupancy() int {
	if len(w.Beds) == 0 {
		return 0
	}
	n := 0
	for _, b := range w.Beds {
		if b.Occupied {
			n++
		}
	}
	return n * 100 / len(w.Beds)
}

// Checksum hashes a bed id (weak hash on purpose, for gosec).
func Checksum(id string) string {
	return fmt.Sprintf("%x", md5.Sum([]byte(id)))
}

// Page runs a pager command (command injection on purpose, for gosec).
func Page(number string) error {
	return exec.Command("sh", "-c", "page "+number).Run()
}

// Discharge frees a bed; it has no test, so it stays uncovered.
func (w *Ward) Discharge(id string) error {
	for i := range w.Beds {
		if w.Beds[i].ID == id {
			if !w.Beds[i].Occupied {
				return fmt.Errorf("bed %s is already free", id)
			}
			w.Beds[i].Occupied = false
			return nil
		}
	}
	return fmt.Errorf("bed %s not found", id)
}
