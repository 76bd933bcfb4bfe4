package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database file at path to dst, also while a server
// has it open and keeps writing (VACUUM INTO: one read snapshot, compacted, no WAL needed
// beside the copy). The copy is written under a temporary name in dst's directory, synced
// and renamed, so dst is either complete or absent; an existing dst is refused, never
// overwritten.
func Backup(ctx context.Context, path, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("backup to %q: the file exists; choose a new name", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %q: %w", dst, err)
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".partial")
	_ = os.Remove(tmp) // a leftover of an interrupted backup
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup of %q: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, roleCheckpointer)) // reads; writes only the copy
	if err != nil {
		return fmt.Errorf("backup of %q: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %q: %w", dst, err)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %q: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %q: %w", dst, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
