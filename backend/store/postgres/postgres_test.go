package postgres_test

import (
	"context"
	"testing"

	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
