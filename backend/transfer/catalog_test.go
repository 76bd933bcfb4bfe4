package transfer

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// TestCatalogCoversSchema: every table and every column of the schema (both engines) is in
// the move's catalog with a known role, and nothing in the catalog is missing from the
// schema. A new table or column — an id the mapping would not know — fails here first.
func TestCatalogCoversSchema(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	check := func(t *testing.T, d DB, tables []string) {
		seen := map[string]bool{}
		for _, tb := range tables {
			if slices.Contains(ignoredTables, tb) {
				continue
			}
			seen[tb] = true
			spec, ok := catalog[tb]
			if !ok {
				t.Errorf("table %s is not in the catalog: decide how a studio's move treats it (backend/transfer/catalog.go)", tb)
				continue
			}
			cols, err := columns(ctx, d, tb)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				role, ok := spec.Cols[c]
				if !ok {
					t.Errorf("column %s.%s is not in the catalog: say whether it holds an id", tb, c)
					continue
				}
				if !knownRole(role) {
					t.Errorf("column %s.%s: unknown role %q", tb, c, role)
				}
				if role == "" && (c == "id" || strings.HasSuffix(c, "_id") || strings.HasSuffix(c, "_by")) && !plainIDs[tb+"."+c] {
					t.Errorf("column %s.%s looks like an id but is copied as it is: give it a role or list it in plainIDs", tb, c)
				}
			}
			for _, c := range spec.Unique {
				if !slices.Contains(cols, c) {
					t.Errorf("table %s: unique column %s is not in the schema", tb, c)
				}
			}
			for c := range spec.Cols {
				if !slices.Contains(cols, c) {
					t.Errorf("catalog column %s.%s is not in the schema", tb, c)
				}
			}
			if spec.Scope == scopeTenant && spec.Cols[spec.Tenant] != "tenant" && !(tb == "tenants" && spec.Tenant == "id") {
				t.Errorf("table %s: its tenant column %q has no tenant role", tb, spec.Tenant)
			}
			if spec.Scope != scopeTenant && spec.Why == "" {
				t.Errorf("table %s is not copied: write down why", tb)
			}
		}
		for tb := range catalog {
			if !seen[tb] {
				t.Errorf("catalog table %s is not in the schema", tb)
			}
		}
	}
	liteTables, err := Tables(ctx, DB{Pool: lite.WritePool()})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("sqlite", func(t *testing.T) { check(t, DB{Pool: lite.WritePool()}, liteTables) })
	t.Run("postgres", func(t *testing.T) {
		pg, err := postgres.Open(ctx, pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
		tables, err := Tables(ctx, DB{Pool: pg.WritePool(), Postgres: true})
		if err != nil {
			t.Fatal(err)
		}
		check(t, DB{Pool: pg.WritePool(), Postgres: true}, tables)
	})
	// Every table a JSON key or a ref names is one the move gives ids to.
	for k, tb := range jsonKeys {
		if catalog[tb].Cols["id"] != "id" {
			t.Errorf("jsonKeys[%q] = %s: not a table with ids of its own", k, tb)
		}
	}
	for tb, spec := range catalog {
		for c, role := range spec.Cols {
			if ref, ok := strings.CutPrefix(role, "ref:"); ok && catalog[ref].Cols["id"] != "id" {
				t.Errorf("%s.%s refers to %s, which has no ids of its own", tb, c, ref)
			}
		}
	}
}

// plainIDs: id-looking columns that hold no id of ours (text ids chosen by the desktops).
var plainIDs = map[string]bool{"devices.id": true, "device_branches.device_id": true, "sessions.device_id": true,
	"mutations.id": true, "audit_log.device_id": true}

func knownRole(role string) bool {
	switch {
	case role == "", role == "id", role == "tenant", role == "reset", role == "derived":
		return true
	case strings.HasPrefix(role, "ref:"):
		return true
	case strings.HasPrefix(role, "json:"):
		t := role[5:]
		return t == "" || t == "audit" || t == "dist" || t == "event" || catalog[t].Cols["id"] == "id"
	case strings.HasPrefix(role, "fn:"):
		return slices.Contains([]string{"fn:audit_entity", "fn:change_entity", "fn:ledger_ref", "fn:job_key", "fn:dedupe_key", "fn:dist_key", "fn:slug"}, role)
	}
	return false
}
