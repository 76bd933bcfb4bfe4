package app

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"path/filepath"
)

// Watched-folder bindings live in the upload queue's file (uploadsFile), in tables of their
// own: the one local SQLite file of this computer (the lead replicas are per user), opened
// at start before anyone logs in, so bound folders are watched again at once. The tables are
// added the way that file adds its schema: CREATE ... IF NOT EXISTS at open, a column added
// later checked through pragma_table_info.
const foldersSchema = `
CREATE TABLE IF NOT EXISTS folder_bindings (
	id         INTEGER PRIMARY KEY,
	path       TEXT    NOT NULL UNIQUE,  -- absolute, cleaned
	order_id   INTEGER NOT NULL,
	order_code TEXT    NOT NULL,
	customer   TEXT    NOT NULL,
	by_rule    INTEGER NOT NULL DEFAULT 0, -- bound by the <order code>_<name> rule under the shoots root
	paused     INTEGER NOT NULL DEFAULT 0,
	created_ns INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS folder_albums (
	binding_id INTEGER NOT NULL,
	sub        TEXT    NOT NULL, -- first-level sub-folder name; '' for files in the bound folder itself
	album_id   INTEGER NOT NULL,
	PRIMARY KEY (binding_id, sub)
);
CREATE TABLE IF NOT EXISTS folder_settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);`

// folderDB is the bindings' storage.
type folderDB struct{ db *sql.DB }

func openFolderDB(ctx context.Context, path string) (*folderDB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	db, err := sql.Open("sqlite", "file:"+p+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open folder bindings %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, foldersSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open folder bindings %q: %w", path, err)
	}
	return &folderDB{db: db}, nil
}

func (d *folderDB) close() error { return d.db.Close() }

func (d *folderDB) bindings(ctx context.Context) ([]FolderBinding, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, path, order_id, order_code, customer, by_rule, paused, created_ns
		FROM folder_bindings ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read folder bindings: %w", err)
	}
	defer rows.Close()
	var out []FolderBinding
	for rows.Next() {
		var b FolderBinding
		var created int64
		if err := rows.Scan(&b.ID, &b.Path, &b.OrderID, &b.OrderCode, &b.Customer, &b.ByRule, &b.Paused, &created); err != nil {
			return nil, fmt.Errorf("read folder bindings: %w", err)
		}
		b.CreatedAt = time.Unix(0, created).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

func (d *folderDB) insert(ctx context.Context, b FolderBinding) (FolderBinding, error) {
	err := d.db.QueryRowContext(ctx, `INSERT INTO folder_bindings (path, order_id, order_code, customer, by_rule, paused, created_ns)
		VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id`, b.Path, b.OrderID, b.OrderCode, b.Customer, b.ByRule, b.CreatedAt.UnixNano()).Scan(&b.ID)
	if err != nil {
		return b, fmt.Errorf("save folder binding: %w", err)
	}
	return b, nil
}

func (d *folderDB) setPaused(ctx context.Context, id int64, paused bool) error {
	_, err := d.db.ExecContext(ctx, `UPDATE folder_bindings SET paused = ? WHERE id = ?`, paused, id)
	return err
}

func (d *folderDB) delete(ctx context.Context, id int64) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM folder_albums WHERE binding_id = ?`, `DELETE FROM folder_bindings WHERE id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("remove folder binding: %w", err)
		}
	}
	return tx.Commit()
}

func (d *folderDB) albums(ctx context.Context, id int64) (map[string]int64, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT sub, album_id FROM folder_albums WHERE binding_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read folder albums: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var sub string
		var album int64
		if err := rows.Scan(&sub, &album); err != nil {
			return nil, err
		}
		out[sub] = album
	}
	return out, rows.Err()
}

func (d *folderDB) setAlbum(ctx context.Context, id int64, sub string, albumID int64) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO folder_albums (binding_id, sub, album_id) VALUES (?, ?, ?)
		ON CONFLICT (binding_id, sub) DO UPDATE SET album_id = excluded.album_id`, id, sub, albumID)
	return err
}

func (d *folderDB) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM folder_settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

func (d *folderDB) setSetting(ctx context.Context, key, value string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO folder_settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
