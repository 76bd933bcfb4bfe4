package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// migrationsUpTo is the embedded migrations numbered up to last.
func migrationsUpTo(t *testing.T, last string) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(sqlite.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n[:4] <= last {
			b, err := fs.ReadFile(sqlite.Migrations(), n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	return out
}

// TestUpgradeFillsLeadDocs: leads written before 0006 (docs without their id, no masked
// doc) read after the upgrade exactly as before, and their stored docs, full and masked,
// are what the current code writes for them (lead.Mask).
func TestUpgradeFillsLeadDocs(t *testing.T) {
	ctx := context.Background()
	// A file as the 0005-era server left it.
	path := filepath.Join(t.TempDir(), "v5.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Migrate(ctx, raw, migrationsUpTo(t, "0005")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	leads := []lead.Lead{
		{BrandID: 1, Name: "王小姐", Phone: "13500002222", ReferrerPhone: "13600003333", CreatedAt: now, UpdatedAt: now, Version: 3,
			Wedding: &lead.WeddingFields{PartnerName: "李先生", PartnerPhone: "13700004444"}, Notes: `含"引号"与<标签>`},
		{BrandID: 1, Name: "小朋友", Phone: "13900005555", Phone2: "13800006666", CreatedAt: now, UpdatedAt: now, Version: 1},
	}
	for i, l := range leads {
		doc, _ := json.Marshal(l) // as 0005-era code stored it: id 0 inside the doc
		if _, err := raw.ExecContext(ctx, `INSERT INTO leads (id, tenant_id, brand_id, phone, name, created_at, version, doc)
			VALUES (?, 1, 1, ?, ?, ?, ?, ?)`, 100+i, l.Phone, l.Name, i, l.Version, string(doc)); err != nil {
			t.Fatal(err)
		}
		leads[i].ID = int64(100 + i)
	}
	raw.Close()

	s, err := sqlite.Open(ctx, path) // applies 0006 and on
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []int64{100, 101}
	err = s.View(ctx, 1, func(tx store.Tx) error {
		docs, err := tx.LeadDocs(ctx, ids)
		if err != nil {
			return err
		}
		for _, want := range leads {
			d := docs[want.ID]
			var full, masked, wantFull, wantMasked any
			b1, _ := json.Marshal(want)
			b2, _ := json.Marshal(lead.Mask(want))
			for _, p := range []struct {
				b []byte
				v *any
			}{{d.Doc, &full}, {d.Masked, &masked}, {b1, &wantFull}, {b2, &wantMasked}} {
				if err := json.Unmarshal(p.b, p.v); err != nil {
					t.Fatalf("lead %d: %v in %s", want.ID, err, p.b)
				}
			}
			if !reflect.DeepEqual(full, wantFull) || !reflect.DeepEqual(masked, wantMasked) {
				t.Errorf("lead %d upgraded\n full   %s\n masked %s\nwant\n full   %s\n masked %s", want.ID, d.Doc, d.Masked, b1, b2)
			}
			if strings.Contains(string(d.Masked), want.Phone) {
				t.Errorf("lead %d: masked doc holds the phone: %s", want.ID, d.Masked)
			}
		}
		// 0007 indexed the names already there: every one- and two-character piece finds them.
		for text, want := range map[string]int64{"王": 100, "小姐": 100, "王小姐": 100, "朋": 101, "小": 0} {
			ls, err := tx.ListLeads(ctx, store.LeadFilter{Scope: store.LeadScope{All: true}, Text: text})
			if err != nil {
				return err
			}
			if len(ls) != map[bool]int{true: 2, false: 1}[want == 0] || (want != 0 && ls[0].ID != want) {
				t.Errorf("search %q after upgrade: %d leads", text, len(ls))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
