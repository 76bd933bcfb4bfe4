package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
	"github.com/studiodesk/studiodesk/backend/store/storetest"
)

// TestUpgradeFillsLeadDocs: leads written before 0006 come out of the upgrade as the
// current code writes them (storetest.CheckUpgradedLeads).
func TestUpgradeFillsLeadDocs(t *testing.T) {
	ctx := context.Background()
	// A file as the 0005-era server left it.
	path := filepath.Join(t.TempDir(), "v5.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Migrate(ctx, raw, storetest.MigrationsUpTo(t, sqlite.Migrations(), "0005")); err != nil {
		t.Fatal(err)
	}
	for i, l := range storetest.LegacyLeads() {
		if _, err := raw.ExecContext(ctx, `INSERT INTO leads (id, tenant_id, brand_id, phone, name, created_at, version, doc)
			VALUES (?, 1, 1, ?, ?, ?, ?, ?)`, l.ID, l.Phone, l.Name, i, l.Version, storetest.LegacyDoc(l)); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	s, err := sqlite.Open(ctx, path) // applies 0006 and on
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckUpgradedLeads(t, s)
}
