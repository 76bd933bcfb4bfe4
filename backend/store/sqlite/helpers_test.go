package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func storetestTenant() account.Tenant {
	return account.Tenant{Name: "重开", CreatedAt: time.Now()}
}

// openStudio opens a store at path (closed when t ends) with one studio in it.
func openStudio(t *testing.T, path string) (*sqldb.DB, int64) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tn, err := s.CreateTenant(context.Background(), storetestTenant(), func(store.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return s, tn.ID
}
