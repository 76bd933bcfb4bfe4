package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", "Copy the SQLite database to a new file, also while the server runs (photos: back up <data>/blobs with any file tool; PostgreSQL: pg_dump).", stderr)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "the backup file to write (must not exist), e.g. /backups/studiodesk-2026-12-04.db (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required: the file to write the backup to"}
	}
	path := sf.db
	if path == "" {
		path = filepath.Join(sf.data, "studiodesk.db")
	}
	if strings.Contains(path, "://") {
		return usageError{"backup copies a SQLite file; back up PostgreSQL with pg_dump (see docs/operations.md)"}
	}
	src, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("database %q: %w", path, err)
	}
	// Progress: the copy's size against the source's (the copy is compacted, so it may end
	// below 100%).
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		partial := filepath.Join(filepath.Dir(*out), "."+filepath.Base(*out)+".partial")
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if fi, err := os.Stat(partial); err == nil {
					fmt.Fprintf(stderr, "backup: %d of ~%d MiB\n", fi.Size()>>20, src.Size()>>20)
				}
			}
		}
	}()
	began := time.Now()
	err = sqlite.Backup(ctx, path, *out)
	close(done)
	<-stopped // no progress line may follow the result (stderr is the caller's)
	if err != nil {
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (%d MiB in %s)\n", *out, fi.Size()>>20, time.Since(began).Round(time.Millisecond))
	return nil
}
