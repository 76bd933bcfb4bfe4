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

// TestReplicasMigrateAtOnce: replicas starting together on an empty database all open it;
// the migration lock lets one apply the migrations while the others wait.
func TestReplicasMigrateAtOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	const replicas = 3
	errs := make(chan error, replicas)
	for range replicas {
		go func() {
			s, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				_, err = s.ListTenants(context.Background())
				s.Close()
			}
			errs <- err
		}()
	}
	for range replicas {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://studio:s3cret@db.example:5432/sd?sslmode=require": "postgres://studio:xxxxx@db.example:5432/sd?sslmode=require",
		"postgresql://db.example/sd?user=studio&password=s3cret":      "postgresql://db.example/sd?password=xxxxx&user=studio",
		"postgres://studio@127.0.0.1/sd":                              "postgres://studio@127.0.0.1/sd",
		"postgres://studio:s3cret@[::1:%zz/x":                         "(an unreadable PostgreSQL address)",
	} {
		if got := postgres.Redact(dsn); got != want {
			t.Errorf("Redact(%q) = %q, want %q", dsn, got, want)
		}
	}
}
