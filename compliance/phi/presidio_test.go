package phi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// presidioRecord is one sentence of the presidio-research data set.
type presidioRecord struct {
	FullText string `json:"full_text"`
	Spans    []struct {
		EntityType string `json:"entity_type"`
		Start      int    `json:"start_position"`
		End        int    `json:"end_position"`
	} `json:"spans"`
}

// presidioClasses maps the rules evaluated on the data set to its entity
// types. Other classes (PERSON, ADDRESS, LOCATION…) appear in free prose
// without the keys and record structure the name and address rules need,
// so they are not claimed.
var presidioClasses = map[string]string{
	RuleSSN:   "US_SSN",
	RuleCard:  "CREDIT_CARD",
	RulePhone: "PHONE_NUMBER",
	RuleEmail: "EMAIL_ADDRESS",
}

// presidioFloors are the minimum span precision and recall of each class.
// They sit a little below the measured values, so a regression fails.
var presidioFloors = map[string][2]float64{
	"US_SSN":        {0.95, 0.95},
	"CREDIT_CARD":   {0.95, 0.95},
	"PHONE_NUMBER":  {0.95, 0.70},
	"EMAIL_ADDRESS": {0.95, 0.95},
}

type spanRange struct{ start, end int }

// runeOffset converts a 1-based line and rune column into a rune offset
// of text, the unit presidio-research uses for its spans.
func runeOffset(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		k := strings.IndexByte(text, '\n')
		if k < 0 {
			break
		}
		off += utf8.RuneCountInString(text[:k+1])
		text = text[k+1:]
	}
	return off + col - 1
}

func TestPresidioSpanPrecisionRecall(t *testing.T) {
	data, err := os.ReadFile("testdata/presidio/generated_large.json")
	require.NoError(t, err)
	var records []presidioRecord
	require.NoError(t, json.Unmarshal(data, &records))
	require.NotEmpty(t, records)

	type counts struct{ predicted, predictedRight, gold, goldFound int }
	byClass := map[string]*counts{}
	for _, c := range presidioClasses {
		byClass[c] = &counts{}
	}
	for _, rec := range records {
		gold := map[string][]spanRange{}
		for _, s := range rec.Spans {
			if c, ok := byClass[s.EntityType]; ok {
				c.gold++
				gold[s.EntityType] = append(gold[s.EntityType], spanRange{s.Start, s.End})
			}
		}
		rep, err := ScanBytes(context.Background(), "sentence.txt", []byte(rec.FullText), Options{})
		require.NoError(t, err)
		found := map[string][]spanRange{}
		for _, f := range rep.Findings {
			class, ok := presidioClasses[f.RuleID]
			if !ok {
				continue
			}
			p := spanRange{runeOffset(rec.FullText, f.Line, f.Column), runeOffset(rec.FullText, f.EndLine, f.EndColumn)}
			found[class] = append(found[class], p)
			byClass[class].predicted++
			for _, g := range gold[class] {
				if p.start < g.end && g.start < p.end {
					byClass[class].predictedRight++
					break
				}
			}
		}
		for class, spans := range gold {
			for _, g := range spans {
				for _, p := range found[class] {
					if p.start < g.end && g.start < p.end {
						byClass[class].goldFound++
						break
					}
				}
			}
		}
	}

	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%d sentences\n%-14s %5s %9s %9s %6s\n", len(records), "class", "gold", "precision", "predicted", "recall")
	for _, c := range classes {
		n := byClass[c]
		fmt.Fprintf(&table, "%-14s %5d %9.3f %9d %6.3f\n", c, n.gold, ratio(n.predictedRight, n.predicted), n.predicted, ratio(n.goldFound, n.gold))
	}
	t.Log(table.String())
	for _, c := range classes {
		n := byClass[c]
		floor := presidioFloors[c]
		require.GreaterOrEqual(t, ratio(n.predictedRight, n.predicted), floor[0], "span precision of %s", c)
		require.GreaterOrEqual(t, ratio(n.goldFound, n.gold), floor[1], "span recall of %s", c)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
