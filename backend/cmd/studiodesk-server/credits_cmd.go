package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/payment"
	"github.com/studiodesk/studiodesk/backend/store"
)

const creditsUsage = `Usage:
  studiodesk-server credits topup   --tenant ID (--credits N | --ref M…) [--note TEXT] [--grant]
  studiodesk-server credits ledger  --tenant ID [--limit N]
  studiodesk-server credits prices  [--set item=credits ...] [--fen-per-credit N]

topup    credit a studio after it paid outside the system (bank transfer, cash). With --ref,
         settles the studio's pending manual purchase of that reference (its credits);
         --grant gives credits without a payment (trial, goodwill).
ledger   print a studio's ledger, newest first.
prices   print the price table; --set and --fen-per-credit change it for every studio.
         Items: album.create, storage.gb_month, video.upload, retention.month.
`

func cmdCredits(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, creditsUsage)
		return usageError{"credits needs a subcommand: topup, ledger or prices"}
	}
	switch args[0] {
	case "topup":
		return cmdCreditsTopUp(ctx, args[1:], stdout, stderr)
	case "ledger":
		return cmdCreditsLedger(ctx, args[1:], stdout, stderr)
	case "prices":
		return cmdCreditsPrices(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, creditsUsage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown credits subcommand %q (want topup, ledger or prices)", args[0])}
}

func cmdCreditsTopUp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("credits topup", "Credit a studio after a payment outside the system, or grant credits.", stderr)
	var sf storeFlags
	sf.register(fs)
	tenant := fs.Int64("tenant", 0, "studio id (see: studiodesk-server tenant list)")
	credits := fs.Int64("credits", 0, "credits to add (without --ref)")
	ref := fs.String("ref", "", "reference of the studio's pending manual purchase (it names the credits)")
	note := fs.String("note", "", "note kept in the ledger, e.g. the bank transfer's id")
	grant := fs.Bool("grant", false, "credits without a payment (trial, goodwill)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *tenant <= 0 && *ref == "" {
		fs.Usage()
		return usageError{"--tenant is required (or --ref of a manual purchase)"}
	}
	if (*ref == "") == (*credits == 0) {
		return usageError{"give either --credits or --ref"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := api.TopUp(ctx, st, *tenant, *credits, strings.TrimSpace(*ref), *note, *grant, time.Now())
	if err != nil {
		return cliError(err)
	}
	if e.ID == 0 {
		return fmt.Errorf("purchase %s was already credited", *ref)
	}
	fmt.Fprintf(stdout, "Credited %d credits (%s, ledger entry %d). New balance: %d.\n", e.Amount, e.Kind, e.ID, e.Balance)
	return nil
}

func cmdCreditsLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("credits ledger", "Print a studio's credit ledger, newest first.", stderr)
	var sf storeFlags
	sf.register(fs)
	tenant := fs.Int64("tenant", 0, "studio id (required)")
	limit := fs.Int("limit", 50, "entries to print (1–500)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *tenant <= 0 {
		fs.Usage()
		return usageError{"--tenant is required"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var entries []credit.Entry
	var balance int64
	err = st.View(ctx, *tenant, func(tx store.Tx) error {
		if _, err := tx.Tenant(ctx); err != nil {
			return fmt.Errorf("studio %d: %w", *tenant, err)
		}
		if balance, err = tx.CreditBalance(ctx); err != nil {
			return err
		}
		entries, err = tx.CreditLedger(ctx, 0, *limit)
		return err
	})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Balance: %d\n", balance)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHEN\tKIND\tITEM\tAMOUNT\tBALANCE\tREF\tNOTE")
	for _, e := range entries {
		ref := e.ProviderRef
		if e.RefType != "" {
			ref = strings.TrimSpace(fmt.Sprintf("%s:%d %s", e.RefType, e.RefID, ref))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%+d\t%d\t%s\t%s\n", e.ID, e.CreatedAt.Format(time.DateTime), e.Kind, e.Item, e.Amount, e.Balance, ref, e.Note)
	}
	return tw.Flush()
}

// setFlags collects repeated --set item=credits.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, ",") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

func cmdCreditsPrices(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("credits prices", "Print or change the credit price table (for every studio).", stderr)
	var sf storeFlags
	sf.register(fs)
	var sets setFlags
	fs.Var(&sets, "set", "item=credits, repeatable (e.g. --set album.create=10)")
	fen := fs.Int64("fen-per-credit", 0, "what one credit costs to buy, in fen (100 = 1 yuan)")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.CreditPrices(ctx)
	if err != nil {
		return err
	}
	if len(sets) > 0 || *fen != 0 {
		for _, s := range sets {
			item, v, ok := strings.Cut(s, "=")
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if !ok || err != nil {
				return usageError{fmt.Sprintf("--set %q: want item=credits, e.g. album.create=10", s)}
			}
			p.Items[credit.Item(strings.TrimSpace(item))] = n
		}
		if *fen != 0 {
			p.FenPerCredit = *fen
		}
		if err := p.Validate(); err != nil {
			return usageError{fmt.Sprintf("price table: %v (items: album.create, storage.gb_month, video.upload, retention.month)", err)}
		}
		if err := st.SetCreditPrices(ctx, p); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "Price table saved.")
	}
	items := make([]string, 0, len(p.Items))
	for k := range p.Items {
		items = append(items, string(k))
	}
	sort.Strings(items)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ITEM\tCREDITS")
	for _, k := range items {
		fmt.Fprintf(tw, "%s\t%d\n", k, p.Items[credit.Item(k)])
	}
	fmt.Fprintf(tw, "(buying)\t%d fen per credit\n", p.FenPerCredit)
	return tw.Flush()
}

// paymentProviders are the ways studios can buy credits on this server: manual always (the
// operator confirms with `credits topup --ref`), the sandbox only when given its secret.
func paymentProviders(sandboxSecret, baseURL string) []payment.Provider {
	ps := []payment.Provider{payment.Manual{}}
	if sandboxSecret != "" {
		ps = append(ps, &payment.Sandbox{Secret: []byte(sandboxSecret), BaseURL: baseURL})
	}
	return ps
}
