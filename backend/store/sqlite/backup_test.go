package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// TestBackupWhileWriting: a backup taken while the store is open holds every committed
// row, opens as a store of its own, and never overwrites an existing file.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s, tenantID := openStudio(t, live)
	if err := s.Update(ctx, tenantID, func(tx store.Tx) error {
		_, err := tx.InsertChannel(ctx, account.Channel{Name: "抖音", Active: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "backup.db")
	if err := sqlite.Backup(ctx, live, dst); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.Backup(ctx, live, dst); err == nil {
		t.Fatal("a second backup overwrote the first")
	}
	b, err := sqlite.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.View(ctx, tenantID, func(tx store.Tx) error {
		chans, err := tx.ListChannels(ctx)
		if len(chans) != 1 || chans[0].Name != "抖音" {
			t.Errorf("backup holds %+v", chans)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
