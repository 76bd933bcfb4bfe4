package transfer

import "context"

// SetBatchRows changes the batch size for a test and returns the old one.
func SetBatchRows(n int) int { old := batchRows; batchRows = n; return old }

// NewID is the target id of a source row of table in a move's state (tests compare the two
// servers' answers through it).
func (s *State) NewID(table string, old int64) int64 {
	var n int64
	if err := s.db.QueryRow(`SELECT new FROM idmap WHERE tbl = ? AND old = ?`, table, old).Scan(&n); err != nil {
		return -old // never equal: the test reports the difference
	}
	return n
}

// SetAfterFlush sets the hook run between saving a batch's new ids and writing its rows.
func SetAfterFlush(fn func(table string)) { afterFlush = fn }

// Tables lists a database's tables.
func Tables(ctx context.Context, d DB) ([]string, error) {
	if d.Postgres {
		return queryStrings(ctx, d, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	}
	return queryStrings(ctx, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
}
