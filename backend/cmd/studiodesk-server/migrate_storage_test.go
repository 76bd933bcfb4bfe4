package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

// TestMigrateStorageTenantCommand: the operator moves the second of two studios from a
// SQLite server into a PostgreSQL + S3 cluster that already holds two, runs it again
// (nothing more is copied), verifies it alone, and moves it back out to a new SQLite file.
func TestMigrateStorageTenantCommand(t *testing.T) {
	s3test.Bucket(t, "cluster", true)
	endpoint := s3test.Endpoint(t)
	dsn := pgtest.DSN(t)
	data := t.TempDir()
	bucket := "s3://cluster?endpoint=" + endpoint + "&path_style=true"
	for _, c := range [][]string{
		{"tenant", "create", "--data", data, "--name", "一号影楼", "--admin-phone", "13912343331"},
		{"tenant", "create", "--data", data, "--name", "二号影楼", "--admin-phone", "13912343332"},
		{"tenant", "create", "--db", dsn, "--name", "云上影楼", "--admin-phone", "13912343333"},
		{"tenant", "create", "--db", dsn, "--name", "云中影楼", "--admin-phone", "13912343334"},
	} {
		if _, _, err := runCLI(t, c...); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(data+"/blobs", 0o750)
	state := filepath.Join(data, "move.state")
	move := []string{"migrate-storage", "--from-db", data + "/studiodesk.db", "--to-db", dsn, "--from-blobs", data + "/blobs",
		"--to-blobs", bucket, "--tenant", "2", "--state", state}
	out, errb, err := runCLI(t, move...)
	if err != nil || !strings.Contains(out, "studio 2 is studio 3 in the target") || !strings.Contains(out, "verified: studio 2") ||
		!strings.Contains(errb, "rows     staff") {
		t.Fatalf("move: %v\n%s%s", err, out, errb)
	}
	if out, _, err := runCLI(t, move...); err != nil || !strings.Contains(out, "copied 0 rows") {
		t.Fatalf("the move run again: %v %s", err, out)
	}
	if out, _, err := runCLI(t, append(move, "--verify-only")...); err != nil || strings.Contains(out, "copied") || !strings.Contains(out, "verified") {
		t.Fatalf("verify only: %v %s", err, out)
	}
	out, _, err = runCLI(t, "tenant", "list", "--db", dsn)
	if err != nil || !strings.Contains(out, "云上影楼") || !strings.Contains(out, "二号影楼") || strings.Contains(out, "一号影楼") {
		t.Fatalf("the cluster's studios after the move: %v %s", err, out)
	}

	// Out again, alone on a new SQLite server.
	back := t.TempDir()
	out, errb, err = runCLI(t, "migrate-storage", "--from-db", dsn, "--to-db", back+"/studiodesk.db", "--from-blobs", bucket,
		"--to-blobs", back, "--tenant", "3", "--state", filepath.Join(back, "out.state"))
	if err != nil || !regexp.MustCompile(`studio 3 is studio 1 in the target`).MatchString(out) {
		t.Fatalf("move back: %v\n%s%s", err, out, errb)
	}
	if out, _, err := runCLI(t, "tenant", "list", "--data", back); err != nil || !strings.Contains(out, "二号影楼") || strings.Contains(out, "云上影楼") {
		t.Fatalf("the studio's own server: %v %s", err, out)
	}

	// A studio never keeps its id: a desktop's cursor and local copy from before the move
	// must be refused, not continued with the old ids.
	alone := t.TempDir()
	out, errb, err = runCLI(t, "migrate-storage", "--from-db", dsn, "--to-db", alone+"/studiodesk.db", "--from-blobs", bucket,
		"--to-blobs", alone, "--tenant", "1", "--state", filepath.Join(alone, "out.state"))
	if err != nil || !strings.Contains(out, "studio 1 is studio 2 in the target") {
		t.Fatalf("move studio 1 out: %v\n%s%s", err, out, errb)
	}

	for _, bad := range [][]string{
		{"--tenant", "-1"},
		{"--state", state},
		{"--tenant", "2", "--slug", "a b"},
	} {
		args := append([]string{"migrate-storage", "--from-db", data + "/studiodesk.db", "--to-db", dsn, "--from-blobs", data, "--to-blobs", bucket}, bad...)
		if _, _, err := runCLI(t, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v", bad, err)
		}
	}
	// A state file of another move is refused.
	if _, _, err := runCLI(t, "migrate-storage", "--from-db", data+"/studiodesk.db", "--to-db", dsn, "--from-blobs", data+"/blobs",
		"--to-blobs", bucket, "--tenant", "1", "--state", state); err == nil || !strings.Contains(err.Error(), "another --state file") {
		t.Fatalf("another move's state: %v", err)
	}
}
