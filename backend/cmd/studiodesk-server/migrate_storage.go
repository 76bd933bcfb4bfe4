package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/transfer"
)

func cmdMigrateStorage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate-storage", `Move the server's data between SQLite + local disk and PostgreSQL + S3, in either direction.
Stop the server first. An interrupted move continues where it stopped when run again; it
ends by comparing row counts and every object's SHA-256 (--verify-only does just that).
With --tenant ID only that studio moves, into a target that may hold other studios: its
rows get new ids there (kept in the --state file, which makes the move resumable) and the
check also compares every row with its source row, ids mapped (docs/operations.md).`, stderr)
	fromDB := fs.String("from-db", "", "source database: a SQLite file or postgres://... (required)")
	toDB := fs.String("to-db", "", "target database: a SQLite file or postgres://... (required; empty apart from an earlier run of the same move, unless --tenant)")
	fromBlobs := fs.String("from-blobs", "", "source photo storage: a folder or s3://BUCKET?endpoint=...&path_style=true (required)")
	toBlobs := fs.String("to-blobs", "", "target photo storage (required)")
	verifyOnly := fs.Bool("verify-only", false, "only compare the two sides")
	tenant := fs.Int64("tenant", 0, "move only this studio (its id in the source: tenant list) into a target that may hold other studios")
	statePath := fs.String("state", "", "with --tenant: the move's state file (the new ids), to continue or verify the move; default studiodesk-move-ID.state")
	slug := fs.String("slug", "", "with --tenant: a new address /my/SLUG for the studio's page when its own is another studio's in the target")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *fromDB == "" || *toDB == "" || *fromBlobs == "" || *toBlobs == "" {
		return usageError{"--from-db, --to-db, --from-blobs and --to-blobs are all required"}
	}
	if postgres.IsDSN(*fromDB) == postgres.IsDSN(*toDB) {
		return usageError{"one side must be SQLite and the other PostgreSQL"}
	}
	if *tenant < 0 || (*tenant == 0 && (*statePath != "" || *slug != "")) {
		return usageError{"--state and --slug go with --tenant ID (the studio's id in the source, 1 or more)"}
	}
	if *slug != "" && !slugPattern.MatchString(*slug) {
		return usageError{"--slug: 4 to 64 letters, digits, '-' or '_'"}
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

	progress := progressPrinter(stderr)
	if *tenant > 0 {
		return migrateTenant(ctx, transfer.TenantMove{Src: src, Dst: dst, SrcBlobs: srcBlobs, DstBlobs: dstBlobs, Tenant: *tenant,
			Slug: *slug, Target: targetName(*toDB), Progress: progress}, *statePath, *verifyOnly, stdout, stderr)
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
	if err := listDifferences(stdout, bad); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "verified: every table has the same rows count and every object the same SHA-256 on both sides")
	return nil
}

// slugPattern: what a studio page address may be (drawn ones are 16 URL-safe base64 characters).
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{4,64}$`)

// targetName names the target in the state file, without a password, the same from any
// working directory.
func targetName(spec string) string {
	if postgres.IsDSN(spec) {
		return postgres.Redact(spec)
	}
	if abs, err := filepath.Abs(spec); err == nil {
		return abs
	}
	return spec
}

// migrateTenant moves (or with verifyOnly just checks) one studio.
func migrateTenant(ctx context.Context, mv transfer.TenantMove, statePath string, verifyOnly bool, stdout, stderr io.Writer) error {
	if statePath == "" {
		statePath = "studiodesk-move-" + strconv.FormatInt(mv.Tenant, 10) + ".state"
	}
	state, err := transfer.OpenState(ctx, statePath)
	if err != nil {
		return err
	}
	defer state.Close()
	mv.State = state
	if !verifyOnly {
		fmt.Fprintf(stderr, "move state: %s (keep it until the move is verified)\n", statePath)
		rep, err := mv.Move(ctx)
		fmt.Fprintln(stderr)
		var taken *transfer.SlugTakenError
		if errors.As(err, &taken) {
			return usageError{err.Error()}
		}
		if err != nil {
			return fmt.Errorf("move studio %d: %w (run the same command again to continue)", mv.Tenant, err)
		}
		fmt.Fprintf(stdout, "studio %d is studio %d in the target: copied %d rows in %d tables, %d objects (%.1f MB)\n",
			mv.Tenant, rep.NewTenant, rep.Rows, rep.Tables, rep.Objects, float64(rep.Bytes)/1e6)
	}
	bad, err := mv.Verify(ctx)
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if err := listDifferences(stdout, bad); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: studio %d has the same rows in every table (ids mapped) and every object the same SHA-256 on both sides\n", mv.Tenant)
	return nil
}

func listDifferences(stdout io.Writer, bad []transfer.Mismatch) error {
	for _, m := range bad {
		fmt.Fprintf(stdout, "differs: %s %s: %s\n", m.What, m.Name, m.Detail)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d differences between the two sides (listed above); run the move again, then verify", len(bad))
	}
	return nil
}

// progressPrinter shows a move's progress on stderr, one line per stage.
func progressPrinter(stderr io.Writer) func(transfer.Progress) {
	last := ""
	return func(p transfer.Progress) {
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
}
