package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func TestCreditsTopUpLedgerAndPrices(t *testing.T) {
	data := t.TempDir()
	out, _, err := runCLI(t, "tenant", "create", "--data", data, "--name", "甲影楼", "--admin-phone", "13912345678")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`studio id:\s+(\d+)`).FindStringSubmatch(out)[1]

	out, _, err = runCLI(t, "credits", "topup", "--data", data, "--tenant", id, "--credits", "300", "--note", "转账 0412")
	if err != nil || !strings.Contains(out, "New balance: 300") {
		t.Fatalf("topup: %v %s", err, out)
	}
	out, _, err = runCLI(t, "credits", "topup", "--data", data, "--tenant", id, "--credits", "20", "--grant")
	if err != nil || !strings.Contains(out, "grant") || !strings.Contains(out, "New balance: 320") {
		t.Fatalf("grant: %v %s", err, out)
	}
	if _, _, err := runCLI(t, "credits", "topup", "--data", data, "--tenant", "999", "--credits", "5"); err == nil {
		t.Fatal("topped up a studio that does not exist")
	}
	for _, bad := range [][]string{
		{"credits", "topup", "--data", data, "--credits", "5"},
		{"credits", "topup", "--data", data, "--tenant", id},
		{"credits", "topup", "--data", data, "--tenant", id, "--credits", "-5"},
		{"credits", "prices", "--data", data, "--set", "coffee=3"},
		{"credits", "prices", "--data", data, "--set", "album.create"},
		{"credits", "nope"},
	} {
		if _, _, err := runCLI(t, bad...); err == nil || exitCode(err) == 0 {
			t.Errorf("%v: accepted (%v)", bad, err)
		}
	}
	out, _, err = runCLI(t, "credits", "ledger", "--data", data, "--tenant", id)
	if err != nil || !strings.Contains(out, "Balance: 320") || !strings.Contains(out, "转账 0412") || !strings.Contains(out, "+300") {
		t.Fatalf("ledger: %v %s", err, out)
	}
	out, _, err = runCLI(t, "credits", "prices", "--data", data, "--set", "album.create=25", "--fen-per-credit", "80")
	if err != nil || !regexp.MustCompile(`album\.create\s+25`).MatchString(out) || !strings.Contains(out, "80 fen") {
		t.Fatalf("prices: %v %s", err, out)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "studiodesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, _ := st.CreditPrices(context.Background())
	if p.Items["album.create"] != 25 || p.FenPerCredit != 80 {
		t.Fatalf("stored prices %+v", p)
	}
}
