package ingest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/ingest"
)

// TestQueueFileFromBeforeErrorCodes: a queue written before failures kept their code opens,
// keeps its items and records codes from then on.
func TestQueueFileFromBeforeErrorCodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "uploads.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL, path TEXT NOT NULL,
		rel TEXT NOT NULL, size INTEGER NOT NULL, mod_ns INTEGER NOT NULL, state TEXT NOT NULL, hash TEXT NOT NULL DEFAULT '',
		upload_url TEXT NOT NULL DEFAULT '', photo_id INTEGER NOT NULL DEFAULT 0, duplicate INTEGER NOT NULL DEFAULT 0,
		attempts INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', updated_ns INTEGER NOT NULL,
		UNIQUE (album_id, path, size, mod_ns));
		INSERT INTO items (album_id, path, rel, size, mod_ns, state, updated_ns) VALUES (3, '/a.jpg', 'a.jpg', 10, 1, 'found', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	q, err := ingest.OpenQueue(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	it, err := q.Version(ctx, 3, "/a.jpg", 10, time.Unix(0, 1))
	if err != nil || it.State != ingest.Found {
		t.Fatalf("old item %+v %v", it, err)
	}
	if err := q.SetFailed(ctx, it.ID, "file_type_unsupported", "不支持"); err != nil {
		t.Fatal(err)
	}
	its, err := q.Items(ctx, []int64{it.ID})
	if err != nil || len(its) != 1 || its[0].ErrorCode != "file_type_unsupported" || its[0].Error != "不支持" {
		t.Fatalf("failed item %+v %v", its, err)
	}
	if err := q.Requeue(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := q.Get(ctx, it.ID); again.State != ingest.Found || again.ErrorCode != "" {
		t.Fatalf("requeued %+v", again)
	}
}
