package transfer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/transfer"
)

// BenchmarkMoveOneStudio: the rows of a SQLite server holding one studio of 2,000 leads,
// into PostgreSQL — moved as one studio (new ids, references remapped, id map written
// first) against the whole-server copy (ids as they are), in alternating rounds, each into
// a fresh database. Reports rows per second of both (docs/benchmarks.md).
func BenchmarkMoveOneStudio(b *testing.B) {
	ctx := context.Background()
	lite, disk := openLite(b, b.TempDir())
	st := seedStudio(b, startServer(b, lite, disk), "基准影楼", "1370001", 2000)
	from := transfer.DB{Pool: lite.WritePool()}
	target := func() (transfer.DB, func()) {
		pg, err := postgres.Open(ctx, pgtest.DSN(b))
		if err != nil {
			b.Fatal(err)
		}
		return transfer.DB{Pool: pg.WritePool(), Postgres: true}, func() { pg.Close() }
	}
	var oursRows, refRows int64
	var ours, ref time.Duration
	b.ResetTimer()
	for round := range max(b.N, 3) {
		for _, mine := range []bool{round%2 == 0, round%2 != 0} {
			to, done := target()
			t0 := time.Now()
			if mine {
				state, err := transfer.OpenState(ctx, filepath.Join(b.TempDir(), "s"))
				if err != nil {
					b.Fatal(err)
				}
				rep, err := (&transfer.TenantMove{Src: from, Dst: to, Tenant: st.tenant, State: state, Target: "bench"}).Move(ctx)
				if err != nil {
					b.Fatal(err)
				}
				ours += time.Since(t0)
				oursRows += rep.Rows
				state.Close()
			} else {
				rep, err := transfer.CopyRows(ctx, from, to, nil)
				if err != nil {
					b.Fatal(err)
				}
				ref += time.Since(t0)
				refRows += rep.Rows
			}
			done()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(oursRows)/ours.Seconds(), "studio-rows/s")
	b.ReportMetric(float64(refRows)/ref.Seconds(), "server-rows/s")
	fmt.Printf("one studio: %d rows in %v (%.0f rows/s); whole server: %d rows in %v (%.0f rows/s); ratio %.2f\n",
		oursRows, ours, float64(oursRows)/ours.Seconds(), refRows, ref, float64(refRows)/ref.Seconds(),
		(float64(oursRows)/ours.Seconds())/(float64(refRows)/ref.Seconds()))
}
