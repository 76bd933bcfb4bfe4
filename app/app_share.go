package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// EventUploadProgress carries an UploadProgress while UploadPaths runs.
const EventUploadProgress = "upload:progress"

// AlbumPhotos lists an album's files with their processing status.
func (a *App) AlbumPhotos(albumID int64) ([]album.Photo, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]album.Photo, error) {
		return c.AlbumPhotos(ctx, albumID)
	})
}

// ShareLinks lists an album's share links, newest first.
func (a *App) ShareLinks(albumID int64) ([]api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]api.ShareLinkView, error) {
		return c.ShareLinks(ctx, albumID)
	})
}

// CreateShareLink shares an album: optional access code, expiry and download right.
func (a *App) CreateShareLink(albumID int64, req api.NewShare) (api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.ShareLinkView, error) {
		return c.CreateShareLink(ctx, albumID, req)
	})
}

// RevokeShareLink closes a share link at once, everywhere.
func (a *App) RevokeShareLink(id int64) (api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.ShareLinkView, error) {
		return c.RevokeShareLink(ctx, id)
	})
}

// UploadProgress is the state of an UploadPaths run, pushed as EventUploadProgress.
type UploadProgress struct {
	AlbumID    int64   `json:"album_id"`
	File       string  `json:"file"`
	FilesDone  int     `json:"files_done"`
	FilesTotal int     `json:"files_total"`
	BytesSent  int64   `json:"bytes_sent"`
	BytesTotal int64   `json:"bytes_total"`
	Speed      float64 `json:"speed"` // bytes per second since the start
}

// UploadReport says what became of each file.
type UploadReport struct {
	Uploaded   int            `json:"uploaded"`
	Duplicates int            `json:"duplicates"`
	Failed     []UploadFailed `json:"failed"`
}

// UploadFailed is a file the server refused, with its localized reason.
type UploadFailed struct {
	File  string `json:"file"`
	Error *Error `json:"error"`
}

// UploadPaths uploads files and folders (their files, recursively, hidden ones skipped) into
// an album: files the album already holds are skipped without sending them, each file resumes
// after a dropped connection, and progress is pushed as EventUploadProgress.
func (a *App) UploadPaths(albumID int64, paths []string) (UploadReport, error) {
	files, err := expandPaths(paths)
	if err != nil {
		return UploadReport{}, newError(a.snapshot().Language, 400, "invalid_value", "paths", map[string]any{"detail": err.Error()})
	}
	return callFor(a, 0, func(ctx context.Context, c *apiclient.Client) (UploadReport, error) {
		return a.upload(ctx, c, albumID, files)
	})
}

type localFile struct {
	path string
	size int64
	hash string
}

// hiddenOrJunk are files cameras and file managers leave in photo folders.
func hiddenOrJunk(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || lower == "thumbs.db" || lower == "desktop.ini"
}

func expandPaths(paths []string) ([]localFile, error) {
	var out []localFile
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if hiddenOrJunk(d.Name()) && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				info, err := d.Info()
				if err != nil {
					return err
				}
				out = append(out, localFile{path: path, size: info.Size()})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (a *App) upload(ctx context.Context, c *apiclient.Client, albumID int64, files []localFile) (UploadReport, error) {
	rep := UploadReport{Failed: []UploadFailed{}}
	s := a.snapshot()
	fail := func(f localFile, err error) {
		var e *Error
		if !errors.As(a.toError(err, s.ServerURL, s.Language, ""), &e) {
			e = newError(s.Language, 500, "internal", "", map[string]any{"detail": err.Error()})
		}
		rep.Failed = append(rep.Failed, UploadFailed{File: filepath.Base(f.path), Error: e})
	}
	var hashes []string
	var todo []localFile
	for _, f := range files {
		h, err := hashFile(f.path)
		if err != nil {
			fail(f, err)
			continue
		}
		f.hash = h
		todo = append(todo, f)
		hashes = append(hashes, h)
	}
	existing, err := c.CheckPhotos(ctx, albumID, hashes)
	if err != nil {
		return rep, err
	}
	p := UploadProgress{AlbumID: albumID, FilesTotal: len(files)}
	for _, f := range todo {
		p.BytesTotal += f.size
	}
	start := time.Now()
	emit := func() {
		if secs := time.Since(start).Seconds(); secs > 0 {
			p.Speed = float64(p.BytesSent) / secs
		}
		a.emit.Emit(EventUploadProgress, p)
	}
	for _, f := range todo {
		p.File = filepath.Base(f.path)
		if _, ok := existing[f.hash]; ok {
			rep.Duplicates++
			p.FilesDone++
			p.BytesSent += f.size
			emit()
			continue
		}
		base := p.BytesSent
		res, err := a.uploadOne(ctx, c, albumID, f, func(sent int64) { p.BytesSent = base + sent; emit() })
		p.FilesDone++
		p.BytesSent = base + f.size
		switch {
		case errors.Is(err, context.Canceled):
			return rep, err
		case err != nil:
			fail(f, err)
		case res.Duplicate:
			rep.Duplicates++
		default:
			rep.Uploaded++
		}
		emit()
	}
	return rep, nil
}

func (a *App) uploadOne(ctx context.Context, c *apiclient.Client, albumID int64, f localFile, progress func(int64)) (apiclient.UploadResult, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return apiclient.UploadResult{}, err
	}
	defer file.Close()
	return c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: albumID, Filename: filepath.Base(f.path), Size: f.size, SHA256: f.hash},
		file, "", 5, nil, progress)
}
