package api

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// UploadKeep is how long an unfinished upload is kept after the last byte reached it, and a
// finished upload's record (what a client that lost the final answer learns on resuming)
// after it finished. A desktop whose upload was dropped starts it again (a 404 on resume);
// the server finds the file stored when it was finished, so nothing is stored twice.
const UploadKeep = 7 * 24 * time.Hour

// uploadSweepEvery is how often a job runner sweeps its replica's upload directory.
const uploadSweepEvery = time.Hour

// SweepUploads removes unfinished uploads nothing was written to since before now minus
// UploadKeep and finished-upload records older than that: from this replica's upload
// directory (an upload's data, info, sums and lock files go together, judged by the newest
// of them) and, when uploads live in an S3 bucket, the records under uploads-finished/ (any
// replica may sweep them; tusd's own objects under uploads/ expire by the bucket's
// lifecycle rule, docs/operations.md). It returns how many uploads and records it removed.
func (s *Server) SweepUploads(ctx context.Context, now time.Time) (int, error) {
	if s.uploads == nil {
		return 0, nil
	}
	cutoff := now.Add(-UploadKeep)
	removed, err := sweepUploadDir(s.cfg.UploadDir, cutoff)
	if dir := s.uploads.finishedDir; dir != "" {
		n, ferr := sweepUploadDir(dir, cutoff)
		removed, err = removed+n, errors.Join(err, ferr)
		return removed, err
	}
	var old []string
	lerr := s.cfg.Blobs.List(ctx, finishedPrefix, func(info blob.Info) error {
		if info.ModTime.Before(cutoff) {
			old = append(old, info.Key)
		}
		return nil
	})
	err = errors.Join(err, lerr)
	for _, key := range old {
		if derr := s.cfg.Blobs.Delete(ctx, key); derr != nil {
			err = errors.Join(err, derr)
			continue
		}
		removed++
	}
	return removed, err
}

// sweepUploadDir removes the file groups directly in dir (files named <id> or <id>.<ext>)
// whose newest file was last written before cutoff; folders are left alone.
func sweepUploadDir(dir string, cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("sweep uploads: %w", err)
	}
	newest := map[string]time.Time{}
	files := map[string][]string{}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		id, _, _ := strings.Cut(e.Name(), ".")
		files[id] = append(files[id], e.Name())
		if t := info.ModTime(); t.After(newest[id]) {
			newest[id] = t
		}
	}
	removed := 0
	for id, names := range files {
		if !newest[id].Before(cutoff) {
			continue
		}
		for _, name := range names {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("sweep uploads: %w", err))
			}
		}
		removed++
	}
	return removed, errors.Join(errs...)
}
