// Command studiodesk-server is the StudioDesk cloud server and its operator tools:
//
//	studiodesk-server serve            run the HTTP server (SQLite + local disk by default, or --db postgres://...)
//	studiodesk-server migrate          apply database migrations and exit
//	studiodesk-server tenant create    open a studio and print its admin's one-time password
//	studiodesk-server tenant list      list studios
//	studiodesk-server reset-password   give a locked-out staff member a new one-time password
//	studiodesk-server backup           copy the SQLite database while the server runs
//	studiodesk-server migrate-storage  move the data between SQLite + disk and PostgreSQL + S3
//	studiodesk-server credits ...      top up a studio's credits, print its ledger, set prices
//	studiodesk-server version
//
// Every command takes --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "error:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError is a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `StudioDesk server

Usage:
  studiodesk-server <command> [flags]

Commands:
  serve            Run the HTTP server (SQLite file + photos on local disk under --data by default;
                   --db postgres://... keeps the data in PostgreSQL)
  migrate          Apply database migrations and exit
  tenant create    Open a studio: --name, --admin-phone; prints the admin's one-time password
  tenant list      List studios
  reset-password   Give a staff member a new one-time password: --phone [--tenant ID]
  backup           Copy the SQLite database, also while the server runs: --out FILE
  migrate-storage  Move the data between SQLite + disk and PostgreSQL + S3 (resumable, verified)
  credits          Studio credits: topup, ledger, prices (see "credits --help")
  version          Print the version

Run "studiodesk-server <command> --help" for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout, stderr)
	case "migrate-storage":
		return cmdMigrateStorage(ctx, args[1:], stdout, stderr)
	case "tenant":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return usageError{"tenant needs a subcommand: create or list"}
		}
		switch args[1] {
		case "create":
			return cmdTenantCreate(ctx, args[2:], stdout, stderr)
		case "list":
			return cmdTenantList(ctx, args[2:], stdout, stderr)
		case "-h", "--help", "help":
			fmt.Fprint(stdout, usage)
			return nil
		}
		return usageError{fmt.Sprintf("unknown tenant subcommand %q (want create or list)", args[1])}
	case "reset-password":
		return cmdResetPassword(ctx, args[1:], stdout, stderr)
	case "credits":
		return cmdCredits(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "studiodesk-server", version)
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
