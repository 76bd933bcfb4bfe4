package storetest

import (
	"context"
	"encoding/json"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Upgrades: every driver proves its data migrations (0006 lead docs, 0007 name grams) on the
// same rows with the same checks. The driver migrates a database to 0005, writes
// LegacyLeads raw into tenant 1, brand 1 with their doc as LegacyDoc, opens its store (which
// applies 0006 and on) and calls CheckUpgradedLeads.

// LegacyLeads are the leads an 0005-era server stored, with their ids (100, 101, 102).
func LegacyLeads() []lead.Lead {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return []lead.Lead{
		{ID: 100, BrandID: 1, Name: "王小姐", Phone: "13500002222", ReferrerPhone: "13600003333", CreatedAt: now, UpdatedAt: now, Version: 3,
			Wedding: &lead.WeddingFields{PartnerName: "李先生", PartnerPhone: "13700004444"}, Notes: `含"引号"与<标签>`},
		{ID: 101, BrandID: 1, Name: "小朋友", Phone: "13900005555", Phone2: "13800006666", CreatedAt: now, UpdatedAt: now, Version: 1},
		{ID: 102, BrandID: 1, Name: "Anna WANG", Phone: "1330000777", CreatedAt: now, UpdatedAt: now, Version: 2},
	}
}

// LegacyDoc is the doc column as 0005-era code wrote it: id 0 inside the doc.
func LegacyDoc(l lead.Lead) string {
	l.ID = 0
	doc, _ := json.Marshal(l) // a lead always marshals
	return string(doc)
}

// CheckUpgradedLeads: leads written before 0006 read after the upgrade exactly as before,
// their stored docs, full and masked, are what the current code writes for them
// (lead.Mask), and 0007 indexed their names for search.
func CheckUpgradedLeads(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	leads := LegacyLeads()
	err := s.View(ctx, 1, func(tx store.Tx) error {
		docs, err := tx.LeadDocs(ctx, []int64{100, 101, 102})
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
		for text, want := range map[string]int64{"王": 100, "小姐": 100, "王小姐": 100, "朋": 101, "小": 0, "wang": 102, "A W": 102} {
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

// MigrationsUpTo is the migrations in files numbered up to last ("0005"): a database as an
// older release left it.
func MigrationsUpTo(t testing.TB, files fs.FS, last string) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n[:4] <= last {
			b, err := fs.ReadFile(files, n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	return out
}
