package replica_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// indexCount counts the replica file's secondary indexes on leads and their phones, read
// through a second connection.
func indexCount(t *testing.T, r *replica.Replica) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+r.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('leads', 'lead_phones')
		AND sql IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBulkFirstSync: a first sync into an empty replica drops the list and phone indexes for
// its pages and builds them after the last one; the leads are then found as usual. A reset in
// the middle builds them too.
func TestBulkFirstSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	page := func(from, n int64, next string) api.Snapshot {
		p := api.Snapshot{Cursor: "c1", Next: next}
		for id := from; id < from+n; id++ {
			l := serverLead(id, "客户", "1390000"+string(rune('0'+id/1000%10))+string(rune('0'+id/100%10))+string(rune('0'+id/10%10))+string(rune('0'+id%10)), t0)
			l.Notes = "海边外景"
			p.Leads = append(p.Leads, l)
		}
		return p
	}
	r := open(t, t.TempDir(), session(7, account.ScopeAll, account.PermLeadCreate))
	brands(t, r)
	full := indexCount(t, r)
	if full < 10 {
		t.Fatalf("%d indexes on a fresh replica", full)
	}
	if _, err := r.ApplySnapshotPage(ctx, page(1, 300, "p2")); err != nil {
		t.Fatal(err)
	}
	if n := indexCount(t, r); n != 0 {
		t.Fatalf("%d indexes during the first sync, want them dropped", n)
	}
	// Still answers (slower) while the sync runs.
	if got, err := r.Search(ctx, "0042", 10); err != nil || len(got) != 1 || got[0].ID != 42 {
		t.Fatalf("search during the first sync: %v %v", ids(got), err)
	}
	if _, err := r.ApplySnapshotPage(ctx, page(301, 300, "")); err != nil {
		t.Fatal(err)
	}
	if n := indexCount(t, r); n != full {
		t.Fatalf("%d indexes after the first sync, want %d", n, full)
	}
	if st, err := r.Stats(ctx); err != nil || st.Leads != 600 {
		t.Fatalf("stats %+v %v", st, err)
	}
	for text, want := range map[string]int64{"0555": 555, "13900000042": 42} {
		if got, err := r.Search(ctx, text, 10); err != nil || len(got) != 1 || got[0].ID != want {
			t.Fatalf("search %s: %v %v", text, ids(got), err)
		}
	}
	if got, err := r.Search(ctx, "海边外景", 50); err != nil || len(got) != 50 {
		t.Fatalf("notes search: %d %v", len(got), err)
	}
	if got := listAll(t, r, replica.Filter{Validity: string(lead.ValidityPending)}); len(got) != 600 {
		t.Fatalf("list: %d", len(got))
	}
	// A later snapshot (after a reset) into a replica that holds leads is not bulk: a reset in
	// the middle of a bulk one builds the indexes first.
	r2 := open(t, t.TempDir(), session(7, account.ScopeAll))
	brands(t, r2)
	if _, err := r2.ApplySnapshotPage(ctx, page(1, 10, "p2")); err != nil {
		t.Fatal(err)
	}
	if err := r2.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexCount(t, r2); n != full {
		t.Fatalf("%d indexes after a reset during the first sync, want %d", n, full)
	}
}
