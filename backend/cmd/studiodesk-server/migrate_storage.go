package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/transfer"
)

func cmdMigrateStorage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate-storage", `Move the server's data between SQLite + local disk and PostgreSQL + S3, in either direction.
Stop the server first. An interrupted move continues where it stopped when run again; it
ends by comparing row counts and every object's SHA-256 (--verify-only does just that).`, stderr)
	fromDB := fs.String("from-db", "", "source database: a SQLite file or postgres://... (required)")
	toDB := fs.String("to-db", "", "target database: a SQLite file or postgres://... (required; empty apart from an earlier run of the same move)")
	fromBlobs := fs.String("from-blobs", "", "source photo storage: a folder or s3://BUCKET?endpoint=...&path_style=true (required)")
	toBlobs := fs.String("to-blobs", "", "target photo storage (required)")
	verifyOnly := fs.Bool("verify-only", false, "only compare the two sides")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *fromDB == "" || *toDB == "" || *fromBlobs == "" || *toBlobs == "" {
		return usageError{"--from-db, --to-db, --from-blobs and --to-blobs are all required"}
	}
	if postgres.IsDSN(*fromDB) == postgres.IsDSN(*toDB) {
		return usageError{"one side must be SQLite and the other PostgreSQL"}
	}
	open := func(spec string) (transfer.DB, func() error, error) {
		sf := storeFlags{data: ".", db: spec}
		st, err := sf.open(ctx)
		if err != nil {
			return transfer.DB{}, nil, err
		}
		w, ok := st.(interface{ WritePool() *sql.DB })
		if !ok {
			st.Close()
			return transfer.DB{}, nil, fmt.Errorf("%s: not a SQL store", redactURL(spec))
		}
		return transfer.DB{Pool: w.WritePool(), Postgres: postgres.IsDSN(spec)}, st.Close, nil
	}
	src, closeSrc, err := open(*fromDB)
	if err != nil {
		return err
	}
	defer closeSrc()
	dst, closeDst, err := open(*toDB)
	if err != nil {
		return err
	}
	defer closeDst()
	srcBlobs, closeSB, err := openBlobs(ctx, *fromBlobs, ".")
	if err != nil {
		return err
	}
	defer closeSB()
	dstBlobs, closeDB, err := openBlobs(ctx, *toBlobs, ".")
	if err != nil {
		return err
	}
	defer closeDB()

	last := ""
	progress := func(p transfer.Progress) {
		switch p.Stage {
		case "rows":
			fmt.Fprintf(stderr, "\rrows     %-24s %8d / %-8d", p.Table, p.Rows, p.Total)
		case "objects":
			fmt.Fprintf(stderr, "\robjects  %8d  %8.1f MB copied        ", p.Objects, float64(p.Bytes)/1e6)
		case "verify":
			fmt.Fprintf(stderr, "\rverify   %-24s objects %d        ", p.Table, p.Objects)
		}
		if p.Stage != last {
			if last != "" {
				fmt.Fprintln(stderr)
			}
			last = p.Stage
		}
	}
	if !*verifyOnly {
		rows, err := transfer.CopyRows(ctx, src, dst, progress)
		if err != nil {
			return fmt.Errorf("copy rows: %w (run the same command again to continue)", err)
		}
		objs, err := transfer.CopyObjects(ctx, srcBlobs, dstBlobs, progress)
		if err != nil {
			return fmt.Errorf("copy objects: %w (run the same command again to continue)", err)
		}
		fmt.Fprintf(stderr, "\n")
		fmt.Fprintf(stdout, "copied %d rows in %d tables, %d objects (%.1f MB)\n", rows.Rows, rows.Tables, objs.Objects, float64(objs.Bytes)/1e6)
	}
	bad, err := transfer.Verify(ctx, src, dst, srcBlobs, dstBlobs, progress)
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for _, m := range bad {
		fmt.Fprintf(stdout, "differs: %s %s: %s\n", m.What, m.Name, m.Detail)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d differences between the two sides (listed above); run the move again, then verify", len(bad))
	}
	fmt.Fprintln(stdout, "verified: every table has the same rows count and every object the same SHA-256 on both sides")
	return nil
}
