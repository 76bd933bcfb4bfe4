package sqldb

import "testing"

func TestLeadColumnPositions(t *testing.T) {
	cols := leadCols()
	if cols[leadColName] != "name" || cols[leadColCreated] != "created_at" {
		t.Fatalf("leadColName/leadColCreated point at %q/%q", cols[leadColName], cols[leadColCreated])
	}
}

func TestSameValue(t *testing.T) {
	for _, c := range []struct {
		read, write any
		same        bool
	}{
		{nil, nil, true}, {int64(3), nil, false}, {nil, int64(3), false}, {int64(3), int64(3), true}, {int64(1), 1, true},
		{int64(0), 1, false}, {"a", "a", true}, {[]byte("a"), "a", true}, {"a", "b", false}, {int64(1), "1", false},
	} {
		if got := sameValue(c.read, c.write); got != c.same {
			t.Errorf("sameValue(%#v, %#v) = %v", c.read, c.write, got)
		}
	}
}
