// Package pgtest gives each test its own empty PostgreSQL database on the server named by
// STUDIODESK_TEST_PG (a superuser's postgres:// address; scripts/postgres.sh starts a
// throwaway cluster and sets it, and scripts/test.sh always does). Without it the tests that
// need PostgreSQL skip — except under CI=true, where they fail: CI must run them.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvDSN names the environment variable holding the test server's address.
const EnvDSN = "STUDIODESK_TEST_PG"

// Server returns the test server's address, skipping (or, under CI, failing) t without one.
func Server(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (scripts/test.sh starts a cluster with scripts/postgres.sh)", EnvDSN)
		}
		t.Skipf("%s is not set: run under scripts/postgres.sh to include PostgreSQL", EnvDSN)
	}
	return dsn
}

// DSN creates an empty database for t and returns its address; the database is dropped
// when t ends (after the cleanups t registers later, such as closing a store on it).
func DSN(t testing.TB) string {
	t.Helper()
	server := Server(t)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s is not a postgres:// URL", EnvDSN)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
