package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
	"github.com/studiodesk/studiodesk/backend/store/storetest"
)

// versions lists the migration numbers in files ("0001", ...), in order.
func versions(t *testing.T, files fs.FS) []string {
	t.Helper()
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		out = append(out, n[:4])
	}
	slices.Sort(out)
	return out
}

// TestEveryMigrationHasATwin: each SQLite migration number has a PostgreSQL migration and
// the other way round, so a schema change cannot reach one engine only.
func TestEveryMigrationHasATwin(t *testing.T) {
	lite, pg := versions(t, sqlite.Migrations()), versions(t, postgres.Migrations())
	for _, v := range lite {
		if !slices.Contains(pg, v) {
			t.Errorf("SQLite migration %s has no PostgreSQL counterpart: add backend/store/postgres/migrations/%s_*.sql", v, v)
		}
	}
	for _, v := range pg {
		if !slices.Contains(lite, v) {
			t.Errorf("PostgreSQL migration %s has no SQLite counterpart in backend/store/sqlite/migrations", v)
		}
	}
}

// TestUpgradeFromFirstMigrationEqualsFreshInstall: a database created by the first release
// and upgraded one release at a time, with rows in it, ends with the catalog of a fresh
// install, and its rows come out as the current code writes them.
func TestUpgradeFromFirstMigrationEqualsFreshInstall(t *testing.T) {
	ctx := context.Background()
	fresh, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fresh.Close() })

	dsn := pgtest.DSN(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, v := range versions(t, postgres.Migrations()) {
		if _, err := sqldb.Migrate(ctx, raw, storetest.MigrationsUpTo(t, postgres.Migrations(), v)); err != nil {
			t.Fatalf("upgrade to %s: %v", v, err)
		}
		var rows []string
		switch v {
		case "0001": // a studio of the first release
			rows = []string{`INSERT INTO tenants (id, name, created_at) VALUES (1, '老店', 0)`,
				`INSERT INTO brands (id, tenant_id, name, type, duplicate_policy, timezone, created_at, updated_at)
				VALUES (1, 1, '老店婚纱', 'wedding', 'reject', 'Asia/Shanghai', 0, 0)`}
		case "0005": // leads as 0005-era code wrote them
			for i, l := range storetest.LegacyLeads() {
				rows = append(rows, fmt.Sprintf(`INSERT INTO leads (id, tenant_id, brand_id, phone, name, created_at, version, doc)
					VALUES (%d, 1, 1, '%s', '%s', %d, %d, '%s')`, l.ID, l.Phone, l.Name, i, l.Version, storetest.LegacyDoc(l)))
			}
		}
		for _, q := range rows {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("rows at %s: %v", v, err)
			}
		}
	}
	upgraded, err := postgres.Open(ctx, dsn) // finds every migration applied
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { upgraded.Close() })

	want, got := catalog(t, fresh.WritePool()), catalog(t, upgraded.WritePool())
	for _, section := range []string{"tables", "columns", "indexes", "constraints", "sequences", "functions", "triggers", "migrations"} {
		if !slices.Equal(got[section], want[section]) {
			t.Errorf("%s differ after the upgrade:\nupgraded:\n  %s\nfresh:\n  %s", section,
				strings.Join(got[section], "\n  "), strings.Join(want[section], "\n  "))
		}
	}
	storetest.CheckUpgradedLeads(t, upgraded)
}

// catalog describes the public schema, section by section, one sorted line per object.
func catalog(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"tables": `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
		"columns": `SELECT concat_ws(' ', table_name, ordinal_position, column_name, data_type, collation_name,
			'default', column_default, is_nullable, is_identity, identity_generation)
			FROM information_schema.columns WHERE table_schema = 'public'`,
		"indexes": `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'`,
		"constraints": `SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid)
			FROM pg_constraint WHERE connamespace = 'public'::regnamespace`,
		"sequences": `SELECT concat_ws(' ', sequence_name, data_type, start_value, increment)
			FROM information_schema.sequences WHERE sequence_schema = 'public'`,
		"functions":  `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace`,
		"triggers":   `SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal`,
		"migrations": `SELECT version::text FROM schema_migrations`,
	}
	out := map[string][]string{}
	for section, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("catalog %s: %v", section, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out[section] = append(out[section], line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[section])
	}
	return out
}

// TestSchemaMatchesSQLite: both engines' migrations end with the same tables, columns (and
// whether they take NULL), named indexes and triggers, so the one SQL implementation finds
// on PostgreSQL every column it uses on SQLite, and the same rules guard the data.
func TestSchemaMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "twin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	shape := func(db *sql.DB, q string) []string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out = append(out, line)
		}
		slices.Sort(out)
		return out
	}
	pgCols := shape(pg.WritePool(), `SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END
		FROM information_schema.columns WHERE table_schema = 'public'`)
	// Primary-key columns count as NOT NULL (SQLite's rowid tables would take a NULL there).
	liteCols := shape(lite.WritePool(), `SELECT m.name || '.' || c.name || CASE WHEN c."notnull" OR c.pk > 0 THEN ' NOT NULL' ELSE '' END
		FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	if !slices.Equal(pgCols, liteCols) {
		t.Errorf("columns differ:\nPostgreSQL:\n  %s\nSQLite:\n  %s", strings.Join(pgCols, "\n  "), strings.Join(liteCols, "\n  "))
	}
	// Named indexes (those backing PRIMARY KEY and UNIQUE constraints are named by each engine).
	pgIdx := shape(pg.WritePool(), `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
		AND indexname NOT IN (SELECT conname FROM pg_constraint)`)
	liteIdx := shape(lite.WritePool(), `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'`)
	if !slices.Equal(pgIdx, liteIdx) {
		t.Errorf("indexes differ:\nPostgreSQL: %v\nSQLite:     %v", pgIdx, liteIdx)
	}
	pgTrig := shape(pg.WritePool(), `SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal`)
	liteTrig := shape(lite.WritePool(), `SELECT tbl_name || ' ' || name FROM sqlite_master WHERE type = 'trigger'`)
	if !slices.Equal(pgTrig, liteTrig) {
		t.Errorf("triggers differ:\nPostgreSQL: %v\nSQLite:     %v", pgTrig, liteTrig)
	}
}
