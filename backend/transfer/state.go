package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the state file is a small SQLite database
)

// State is the durable memory of one studio's move: which new id every source row (and
// every id a row refers to) got in the target, and which tables are complete. New ids are
// written here before the rows that carry them are written to the target, so an interrupted
// move run again reuses them: no row is copied twice and references stay consistent.
type State struct {
	db *sql.DB
}

// OpenState opens (or creates) the state file at path.
func OpenState(ctx context.Context, path string) (*State, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("open move state %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS move (one INTEGER PRIMARY KEY CHECK (one = 1), source_tenant INTEGER NOT NULL, target TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS idmap (tbl TEXT NOT NULL, old INTEGER NOT NULL, new INTEGER NOT NULL, PRIMARY KEY (tbl, old))`,
		`CREATE TABLE IF NOT EXISTS done (tbl TEXT PRIMARY KEY)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("open move state %q: %w", path, err)
		}
	}
	return &State{db: db}, nil
}

// Close closes the state file.
func (s *State) Close() error { return s.db.Close() }

// bind ties the state to one move; a state file of another move is refused.
func (s *State) bind(ctx context.Context, tenant int64, target string) error {
	var have int64
	var was string
	err := s.db.QueryRowContext(ctx, `SELECT source_tenant, target FROM move`).Scan(&have, &was)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = s.db.ExecContext(ctx, `INSERT INTO move (one, source_tenant, target) VALUES (1, ?, ?)`, tenant, target)
		return err
	}
	if err != nil {
		return err
	}
	if have != tenant || was != target {
		return fmt.Errorf("the state file belongs to the move of studio %d into %s, not of studio %d into %s: use another --state file", have, was, tenant, target)
	}
	return nil
}

func (s *State) load(ctx context.Context) (map[string]map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tbl, old, new FROM idmap`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[int64]int64{}
	for rows.Next() {
		var t string
		var o, n int64
		if err := rows.Scan(&t, &o, &n); err != nil {
			return nil, err
		}
		if out[t] == nil {
			out[t] = map[int64]int64{}
		}
		out[t][o] = n
	}
	return out, rows.Err()
}

type idPair struct {
	table    string
	old, new int64
}

func (s *State) save(ctx context.Context, pairs []idPair) error {
	if len(pairs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(pairs) > 0 { // 300 rows (900 parameters) per statement
		n := min(len(pairs), 300)
		q := `INSERT INTO idmap (tbl, old, new) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		args := make([]any, 0, 3*n)
		for _, p := range pairs[:n] {
			args = append(args, p.table, p.old, p.new)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("save new ids: %w", err)
		}
		pairs = pairs[n:]
	}
	return tx.Commit()
}

func (s *State) maxNew(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(new), 0) FROM idmap WHERE tbl = ?`, table).Scan(&n)
	return n, err
}

func (s *State) isDone(ctx context.Context, table string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM done WHERE tbl = ?`, table).Scan(&n)
	return n > 0, err
}

func (s *State) markDone(ctx context.Context, table string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO done (tbl) VALUES (?) ON CONFLICT DO NOTHING`, table)
	return err
}
