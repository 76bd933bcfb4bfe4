// Package ingest gets the files of a shoot into their album exactly once: a persistent
// queue (a SQLite file beside the desktop's other local state) records each file's state,
// and an engine hashes, skips what the album already holds, makes and sends each photo's
// thumb and preview first (the photo shows in the album at once) and then its original
// over tus, resuming from the server's offset; the original completes the same photo.
// The queue survives kill -9 and power loss: every step is recorded before the next
// starts, and on restart unfinished items continue from their last recorded state (an
// upload from its stored tus URL; renditions recorded as sent are not sent again, and
// renditions the server got just before a crash show up as a photo waiting for its
// original; a finished upload is recognised by its hash in the album), so nothing is
// uploaded twice or skipped.
package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver the desktop already uses
)

// State is where a queued file stands.
type State string

const (
	Found     State = "found"     // seen complete, not hashed yet
	Hashed    State = "hashed"    // content hash known
	Rendered  State = "rendered"  // renditions uploaded: the photo shows; its original follows
	Uploading State = "uploading" // a tus upload exists (its URL is recorded)
	Done      State = "done"      // in the album (uploaded, or the album had it already)
	Failed    State = "failed"    // stopped with a reason the user sees; Retry requeues it
	Cancelled State = "cancelled" // the file went away before it was uploaded
)

// Item is one file in the queue.
type Item struct {
	ID        int64
	AlbumID   int64
	Path      string
	Rel       string
	Size      int64
	ModTime   time.Time
	State     State
	Hash      string // sha256, hex
	UploadURL string
	PhotoID   int64
	Duplicate bool // the album had it already: nothing was sent
	Attempts  int
	Error     string // the reason the user reads
	ErrorCode string // the server's error code (file_type_unsupported...), or file_unreadable for a local failure
	UpdatedAt time.Time
}

// Queue is the persistent queue. Safe for concurrent use.
type Queue struct {
	db *sql.DB // the one writer connection
	// rdb reads beside the writer (WAL): a progress or status call never waits behind a
	// write's fsync, which a disk busy with a shoot can make last a few hundred ms.
	rdb  *sql.DB
	now  func() time.Time
	path string
}

// OpenQueue opens (creating if needed) the queue file.
func OpenQueue(ctx context.Context, path string) (*Queue, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)"} {
		q.Add("_pragma", p) // FULL: a recorded step survives a power loss, not only a crash
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open upload queue %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS items (
		id         INTEGER PRIMARY KEY,
		album_id   INTEGER NOT NULL,
		path       TEXT    NOT NULL,
		rel        TEXT    NOT NULL,
		size       INTEGER NOT NULL,
		mod_ns     INTEGER NOT NULL,
		state      TEXT    NOT NULL,
		hash       TEXT    NOT NULL DEFAULT '',
		upload_url TEXT    NOT NULL DEFAULT '',
		photo_id   INTEGER NOT NULL DEFAULT 0,
		duplicate  INTEGER NOT NULL DEFAULT 0,
		attempts   INTEGER NOT NULL DEFAULT 0,
		error      TEXT    NOT NULL DEFAULT '',
		updated_ns INTEGER NOT NULL,
		UNIQUE (album_id, path, size, mod_ns)
	);
	CREATE INDEX IF NOT EXISTS items_by_state ON items (state, id);`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open upload queue %q: %w", path, err)
	}
	// error_code came later: queue files written before it gain the column.
	var hasCode int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('items') WHERE name = 'error_code'`).Scan(&hasCode); err == nil && hasCode == 0 {
		_, err = db.ExecContext(ctx, `ALTER TABLE items ADD COLUMN error_code TEXT NOT NULL DEFAULT ''`)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open upload queue %q: %w", path, err)
		}
	} else if err != nil {
		db.Close()
		return nil, fmt.Errorf("open upload queue %q: %w", path, err)
	}
	ro := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "query_only(1)"} {
		ro.Add("_pragma", p)
	}
	rdb, err := sql.Open("sqlite", "file:"+path+"?"+ro.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open upload queue %q: %w", path, err)
	}
	rdb.SetMaxOpenConns(4)
	return &Queue{db: db, rdb: rdb, now: time.Now, path: path}, nil
}

// Close closes the queue file.
func (q *Queue) Close() error { return errors.Join(q.rdb.Close(), q.db.Close()) }

// Add queues one version of a file for an album; the same version queued again (a rescan,
// a restart) is a no-op. It reports whether the item is new.
func (q *Queue) Add(ctx context.Context, albumID int64, path, rel string, size int64, mod time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO items (album_id, path, rel, size, mod_ns, state, updated_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, albumID, path, rel, size, mod.UnixNano(), Found, q.now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("queue %s: %w", rel, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const itemCols = `id, album_id, path, rel, size, mod_ns, state, hash, upload_url, photo_id, duplicate, attempts, error, error_code, updated_ns`

func scanItem(r interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var mod, upd int64
	var dup int
	err := r.Scan(&it.ID, &it.AlbumID, &it.Path, &it.Rel, &it.Size, &mod, &it.State, &it.Hash, &it.UploadURL, &it.PhotoID,
		&dup, &it.Attempts, &it.Error, &it.ErrorCode, &upd)
	it.ModTime, it.UpdatedAt, it.Duplicate = time.Unix(0, mod), time.Unix(0, upd), dup != 0
	return it, err
}

// list returns up to limit items matching where (with args), oldest first.
func (q *Queue) list(ctx context.Context, limit int, where string, args ...any) ([]Item, error) {
	rows, err := q.rdb.QueryContext(ctx, `SELECT `+itemCols+` FROM items WHERE `+where+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read upload queue: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Pending returns up to n items in state, oldest first.
func (q *Queue) Pending(ctx context.Context, state State, n int) ([]Item, error) {
	return q.list(ctx, n, `state = ?`, state)
}

// Get returns one item.
func (q *Queue) Get(ctx context.Context, id int64) (Item, error) {
	its, err := q.list(ctx, 1, `id = ?`, id)
	if err != nil {
		return Item{}, err
	}
	if len(its) == 0 {
		return Item{}, fmt.Errorf("upload queue item %d: %w", id, sql.ErrNoRows)
	}
	return its[0], nil
}

// Failed lists the items that stopped with a reason.
func (q *Queue) Failed(ctx context.Context) ([]Item, error) {
	return q.list(ctx, -1, `state = ?`, Failed)
}

// set moves an item to a state, recording the change durably before returning. from
// guards the move: it only happens while the item is in one of those states.
func (q *Queue) set(ctx context.Context, id int64, to State, from []State, cols string, args ...any) error {
	a := append([]any{to, q.now().UnixNano()}, args...)
	a = append(a, id)
	cond := ""
	for i, s := range from {
		if i > 0 {
			cond += ", "
		}
		cond += "?"
		a = append(a, s)
	}
	res, err := q.db.ExecContext(ctx, `UPDATE items SET state = ?, updated_ns = ?`+cols+` WHERE id = ? AND state IN (`+cond+`)`, a...)
	if err != nil {
		return fmt.Errorf("upload queue item %d -> %s: %w", id, to, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("upload queue item %d -> %s: %w", id, to, ErrMoved)
	}
	return nil
}

// ErrMoved: the item is no longer in the state the step expected (cancelled or retried
// meanwhile); the step's result is dropped.
var ErrMoved = errors.New("the item changed state meanwhile")

// SetHashed records the content hash.
func (q *Queue) SetHashed(ctx context.Context, id int64, hash string) error {
	return q.set(ctx, id, Hashed, []State{Found}, `, hash = ?`, hash)
}

// SetRendered records that the photo's renditions are on the server (photoID: the photo
// they made; 0 when the desktop made none and the server renders from the original), so a
// restart sends the original next and never the renditions again.
func (q *Queue) SetRendered(ctx context.Context, id, photoID int64) error {
	return q.set(ctx, id, Rendered, []State{Hashed}, `, photo_id = ?`, photoID)
}

// SetUploading records the tus upload's URL before any byte is sent, so a restart resumes
// it instead of starting a second upload.
func (q *Queue) SetUploading(ctx context.Context, id int64, uploadURL string) error {
	return q.set(ctx, id, Uploading, []State{Hashed, Rendered, Uploading}, `, upload_url = ?`, uploadURL)
}

// SetDone records that the album holds the file.
func (q *Queue) SetDone(ctx context.Context, id, photoID int64, duplicate bool) error {
	dup := 0
	if duplicate {
		dup = 1
	}
	return q.set(ctx, id, Done, []State{Hashed, Rendered, Uploading}, `, photo_id = ?, duplicate = ?, error = ''`, photoID, dup)
}

// SetFailed stops an item with a reason the user reads and its code (the server's error
// code, or one of the engine's: file_unreadable).
func (q *Queue) SetFailed(ctx context.Context, id int64, code, reason string) error {
	return q.set(ctx, id, Failed, []State{Found, Hashed, Rendered, Uploading}, `, error = ?, error_code = ?, attempts = attempts + 1`, reason, code)
}

// Retry requeues a failed item from the start (its file is hashed again: it may have
// changed).
func (q *Queue) Retry(ctx context.Context, id int64) error {
	return q.set(ctx, id, Found, []State{Failed}, `, hash = '', upload_url = '', error = '', error_code = ''`)
}

// Requeue sends a finished item through the engine again (the user uploads the same file
// once more): it is hashed and checked against the album again, so a file the album still
// holds is not sent, and one deleted from the album meanwhile is.
func (q *Queue) Requeue(ctx context.Context, id int64) error {
	return q.set(ctx, id, Found, []State{Done, Failed, Cancelled}, `, hash = '', upload_url = '', error = '', error_code = '', duplicate = 0, photo_id = 0`)
}

// Version returns the item queued for this version of a file in an album (Add made it).
func (q *Queue) Version(ctx context.Context, albumID int64, path string, size int64, mod time.Time) (Item, error) {
	its, err := q.list(ctx, 1, `album_id = ? AND path = ? AND size = ? AND mod_ns = ?`, albumID, path, size, mod.UnixNano())
	if err != nil {
		return Item{}, err
	}
	if len(its) == 0 {
		return Item{}, fmt.Errorf("upload queue item %s: %w", path, sql.ErrNoRows)
	}
	return its[0], nil
}

// Items returns the items with these ids (those that exist), oldest first.
func (q *Queue) Items(ctx context.Context, ids []int64) ([]Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = id, "?"
	}
	return q.list(ctx, -1, `id IN (`+strings.Join(marks, ", ")+`)`, args...)
}

// Cancel drops the not-yet-uploaded items of a path (the file went away).
func (q *Queue) Cancel(ctx context.Context, path string) (int, error) {
	// A Rendered item stays: its photo is in the album already and waits for this original
	// (the file was moved away or is being replaced; its new version is queued on its own).
	res, err := q.db.ExecContext(ctx, `UPDATE items SET state = ?, updated_ns = ? WHERE path = ? AND state IN (?, ?, ?, ?)`,
		Cancelled, q.now().UnixNano(), path, Found, Hashed, Uploading, Failed)
	if err != nil {
		return 0, fmt.Errorf("cancel %s: %w", path, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Counts is how many items are in each state, with their bytes.
type Counts struct {
	Queued, Done, Failed, Cancelled int
	Shown                           int // of Queued: renditions uploaded, the original on its way
	QueuedBytes, DoneBytes          int64
}

// Counts sums the queue (for one album, or every album with 0).
func (q *Queue) Counts(ctx context.Context, albumID int64) (Counts, error) {
	rows, err := q.rdb.QueryContext(ctx, `SELECT state, COUNT(*), COALESCE(SUM(size), 0) FROM items
		WHERE ? = 0 OR album_id = ? GROUP BY state`, albumID, albumID)
	if err != nil {
		return Counts{}, fmt.Errorf("count upload queue: %w", err)
	}
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var s State
		var n int
		var b int64
		if err := rows.Scan(&s, &n, &b); err != nil {
			return c, err
		}
		switch s {
		case Done:
			c.Done, c.DoneBytes = n, b
		case Failed:
			c.Failed = n
		case Cancelled:
			c.Cancelled = n
		case Rendered:
			c.Shown = n
			c.Queued += n
			c.QueuedBytes += b
		default:
			c.Queued += n
			c.QueuedBytes += b
		}
	}
	return c, rows.Err()
}
