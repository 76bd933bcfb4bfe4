package replica

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Benchmarks of a replica holding 1,000,000 leads (REPLICA_BENCH_LEADS overrides the count,
// REPLICA_BENCH_DIR keeps the seeded file between runs). Each reports ns/op and the p95 of
// the single operations in µs (p95_us). Run: go test -run XXX -bench . ./app/replica/

var benchT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// benchSession is a branch-scoped user: masked phones and full ones mixed in the replica.
func benchSession() api.Session {
	return api.Session{Tenant: api.TenantRef{ID: 1}, Staff: account.Staff{ID: 1, BranchID: 1},
		DataScope: account.ScopeBranch, Permissions: []account.Permission{account.PermLeadCreate}}
}

type benchFixture struct {
	dir    string
	n      int
	phones []string // some full phones of the data set
	once   sync.Once
	err    error
}

// fixtureOnce seeds one replica per test binary run (benchmarks share it; seeding 1M rows
// takes minutes, not something to repeat per benchmark).
var fixtureOnce = &benchFixture{}

func benchReplica(b *testing.B) (*Replica, *benchFixture) {
	b.Helper()
	f := fixtureOnce
	f.once.Do(func() { f.err = f.seed() })
	if f.err != nil {
		b.Fatal(f.err)
	}
	r, err := Open(context.Background(), Config{Dir: f.dir, Server: "bench", Session: benchSession()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r, f
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣怡佳琪晨阳雪婷雨萱梓涵子轩思彤")
	noteBits = []string{"想拍海边外景", "预算两万左右", "周末有空", "男方在外地", "对比了三家", "喜欢韩式风格", "老客户介绍", "要求加急", "价格敏感", "已加微信"}
)

// seed fills the fixture's replica with n leads in one big transaction through the
// replica's own row writer (statements prepared once).
func (f *benchFixture) seed() error {
	f.n = 1_000_000
	if v := os.Getenv("REPLICA_BENCH_LEADS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		f.n = n
	}
	f.dir = os.Getenv("REPLICA_BENCH_DIR")
	if f.dir == "" {
		d, err := os.MkdirTemp("", "replica-bench-")
		if err != nil {
			return err
		}
		f.dir = d // left for the RSS child process; the OS temp folder cleans it
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		f.phones = append(f.phones, benchPhone(rng.IntN(f.n)))
	}
	ctx := context.Background()
	r, err := Open(ctx, Config{Dir: f.dir, Server: "bench", Session: benchSession()})
	if err != nil {
		return err
	}
	defer r.Close()
	var have int
	if err := r.r.QueryRowContext(ctx, "SELECT count(*) FROM leads").Scan(&have); err != nil {
		return err
	}
	if have == f.n {
		return nil // kept from an earlier run (REPLICA_BENCH_DIR)
	}
	start := time.Now()
	err = r.write(ctx, func(tx querier) error {
		for i := range f.n {
			if err := r.upsertServer(ctx, tx, benchLead(rng, i, f.n), false); err != nil {
				return err
			}
		}
		if err := setMeta(ctx, tx, metaCursor, "1-1"); err != nil {
			return err
		}
		return analyze(ctx, tx) // as the last snapshot page does
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seeded %d leads in %v\n", f.n, time.Since(start).Round(time.Millisecond))
	return nil
}

// benchPhone is lead i's phone: distinct 11-digit mobiles.
func benchPhone(i int) string {
	return fmt.Sprintf("13%09d", (uint64(i)*2654435761)%1_000_000_000)
}

func benchLead(rng *rand.Rand, i, n int) lead.Lead {
	created := benchT0.Add(time.Duration(i) * (2 * 365 * 24 * time.Hour / time.Duration(n)))
	name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
	if rng.IntN(2) == 0 {
		name += string(given[rng.IntN(len(given))])
	}
	l := lead.Lead{ID: int64(i + 1), BrandID: int64(1 + rng.IntN(3)), BranchID: int64(1 + rng.IntN(6)),
		ChannelID: int64(1 + rng.IntN(20)), OwnerID: int64(1 + rng.IntN(50)), Source: lead.SourceAd,
		Name: name, Phone: benchPhone(i), Validity: lead.ValidityValid, Booking: lead.BookingCalling,
		Store: lead.StoreAwaiting, CreatedBy: 99, CreatedAt: created, UpdatedAt: created.Add(time.Hour), Version: 3}
	switch p := rng.IntN(100); {
	case p < 20:
		l.Validity, l.Booking = lead.ValidityPending, lead.BookingToCall
	case p < 30:
		l.Validity, l.Booking = lead.ValidityInvalid, lead.BookingLost
	case p < 45:
		l.Booking = lead.BookingBooked
	case p < 55:
		l.Booking, l.Store = lead.BookingVisited, lead.StoreNegotiating
	case p < 60:
		l.Booking, l.Store = lead.BookingVisited, lead.StoreDeal
	}
	if rng.IntN(10) < 3 {
		l = lead.Mask(l) // leads this user does not take part in
	}
	if rng.IntN(5) == 0 {
		l.Notes = noteBits[rng.IntN(len(noteBits))]
	}
	if rng.IntN(10) == 0 {
		l.Wedding = &lead.WeddingFields{PartnerName: "伴侣", PartnerPhone: benchPhone(n + i)}
	}
	if rng.IntN(3) == 0 {
		t := created.Add(72 * time.Hour)
		l.NextFollowUp = &t
	}
	return l
}

// measure runs op b.N times and reports the p95 of the single runs.
func measure(b *testing.B, op func(i int) int) {
	b.Helper()
	// Warm up: the p95 is the steady state of a desktop that keeps the replica open (the
	// first queries after opening read their pages from disk once).
	for i := range 400 {
		op(i)
	}
	durs := make([]time.Duration, 0, b.N)
	found := 0
	b.ResetTimer()
	for i := range b.N {
		t := time.Now()
		found += op(i)
		durs = append(durs, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*95/100].Nanoseconds())/1e3, "p95_us")
	b.ReportMetric(float64(found)/float64(b.N), "rows/op")
	if found == 0 {
		b.Fatal("no operation found anything")
	}
}

func BenchmarkListFilteredPage(b *testing.B) {
	r, _ := benchReplica(b)
	ctx := context.Background()
	week := benchT0.Add(365 * 24 * time.Hour)
	weekEnd := week.Add(7 * 24 * time.Hour)
	yes := true
	filters := []Filter{
		{},
		{BrandID: 2},
		{OwnerID: 17},
		{Booking: "booked"},
		{BrandID: 1, Booking: "booked"},
		{Store: "deal"},
		{BranchID: 3, Validity: "pending"},
		{CreatedFrom: &week, CreatedTo: &weekEnd},
		{FollowUpFrom: &week, FollowUpTo: &weekEnd},
		{ChannelID: 5, InPool: &yes},
	}
	// The second page too: keyset paging must not slow down.
	var cursors []string
	for _, f := range filters {
		f.Limit = 50
		p, err := r.List(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		cursors = append(cursors, p.Next)
	}
	measure(b, func(i int) int {
		f := filters[i%len(filters)]
		f.Limit = 50
		if i%2 == 1 {
			f.Cursor = cursors[i%len(filters)]
		}
		p, err := r.List(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		return len(p.Leads)
	})
}

// BenchmarkRawIndexedPage is the reference for the list: raw SQLite on the same file, one
// indexed 50-row page (brand, newest first) with its documents read but not decoded.
func BenchmarkRawIndexedPage(b *testing.B) {
	r, _ := benchReplica(b)
	ctx := context.Background()
	q := `SELECT d.doc FROM leads l JOIN lead_docs d ON d.id = l.id WHERE l.brand_id = ?
		ORDER BY l.created_at DESC, l.id DESC LIMIT 50`
	measure(b, func(i int) int {
		rows, err := r.r.QueryContext(ctx, q, 1+i%3)
		if err != nil {
			b.Fatal(err)
		}
		found := 0
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&doc); err != nil {
				b.Fatal(err)
			}
			found++
		}
		rows.Close()
		return found
	})
}

func BenchmarkPhoneExact(b *testing.B) {
	r, f := benchReplica(b)
	ctx := context.Background()
	measure(b, func(i int) int {
		got, err := r.Search(ctx, f.phones[i%len(f.phones)], 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got)
	})
}

func BenchmarkPhoneSuffix(b *testing.B) {
	r, f := benchReplica(b)
	ctx := context.Background()
	measure(b, func(i int) int {
		p := f.phones[i%len(f.phones)]
		got, err := r.Search(ctx, p[7:], 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got)
	})
}

func BenchmarkPhonePrefix(b *testing.B) {
	r, f := benchReplica(b)
	ctx := context.Background()
	measure(b, func(i int) int {
		p := f.phones[i%len(f.phones)]
		got, err := r.Search(ctx, p[:7], 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got)
	})
}

// BenchmarkPhoneSuffixTrigram is the alternative the schema did not take: the same suffix
// search through an FTS5 trigram column of phones (built here on the seeded replica).
func BenchmarkPhoneSuffixTrigram(b *testing.B) {
	r, f := benchReplica(b)
	ctx := context.Background()
	var n int
	_ = r.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'bench_phones_fts'").Scan(&n)
	if n == 0 {
		start := time.Now()
		err := r.write(ctx, func(tx querier) error {
			if _, err := tx.ExecContext(ctx, "CREATE VIRTUAL TABLE bench_phones_fts USING fts5(phones, tokenize = 'trigram', content = '')"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO bench_phones_fts (rowid, phones) SELECT lead_id, group_concat(phone, ' ') FROM lead_phones GROUP BY lead_id")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("built the trigram phone index in %v", time.Since(start))
	}
	q := `SELECT id FROM leads WHERE id IN (SELECT rowid FROM bench_phones_fts WHERE bench_phones_fts MATCH ?)
		ORDER BY created_at DESC, id DESC LIMIT 20`
	measure(b, func(i int) int {
		p := f.phones[i%len(f.phones)]
		rows, err := r.r.QueryContext(ctx, q, `"`+p[7:]+`"`)
		if err != nil {
			b.Fatal(err)
		}
		found := 0
		for rows.Next() {
			found++
		}
		rows.Close()
		return found
	})
}

func BenchmarkNameSubstring(b *testing.B) {
	r, _ := benchReplica(b)
	ctx := context.Background()
	// Three characters from the middle of names: a given name plus a following character.
	var qs []string
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		qs = append(qs, string(surnames[rng.IntN(len(surnames))])+string(given[rng.IntN(len(given))])+string(given[rng.IntN(len(given))]))
	}
	measure(b, func(i int) int {
		got, err := r.Search(ctx, qs[i%len(qs)], 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got) + 1 // a rare name may match nothing; timing is what counts
	})
}

func BenchmarkNotesSubstring(b *testing.B) {
	r, _ := benchReplica(b)
	ctx := context.Background()
	measure(b, func(i int) int {
		got, err := r.Search(ctx, []string{"海边外", "两万左", "韩式风"}[i%3], 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got)
	})
}

func BenchmarkNameShortPrefix(b *testing.B) {
	r, _ := benchReplica(b)
	ctx := context.Background()
	measure(b, func(i int) int {
		q := string(surnames[i%len(surnames)])
		if i%2 == 1 {
			q += string(given[i%len(given)])
		}
		got, err := r.Search(ctx, q, 20)
		if err != nil {
			b.Fatal(err)
		}
		return len(got) + 1
	})
}

// BenchmarkOpenReplicaRSS reports the resident memory of a fresh process that opens the
// seeded replica and serves a page, a phone search and a name search (the desktop's cost of
// holding the replica open), in MB.
func BenchmarkOpenReplicaRSS(b *testing.B) {
	_, f := benchReplica(b)
	for i := range b.N {
		if i > 0 {
			continue // one child process is the measurement; b.N only repeats it
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestReplicaRSSChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "REPLICA_RSS_DIR="+f.dir, "REPLICA_RSS_PHONE="+f.phones[0])
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		var kb float64
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "RSS_KB "); ok {
				kb, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
			}
		}
		if kb == 0 {
			b.Fatalf("no RSS reported: %s", out)
		}
		b.ReportMetric(kb/1024, "rss_MB")
	}
}

// TestReplicaRSSChild is BenchmarkOpenReplicaRSS's child process; it does nothing otherwise.
func TestReplicaRSSChild(t *testing.T) {
	dir := os.Getenv("REPLICA_RSS_DIR")
	if dir == "" {
		t.Skip("child of BenchmarkOpenReplicaRSS only")
	}
	ctx := context.Background()
	r, err := Open(ctx, Config{Dir: dir, Server: "bench", Session: benchSession()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 200 {
		if _, err := r.List(ctx, Filter{BrandID: int64(1 + i%3), Limit: 50}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Search(ctx, os.Getenv("REPLICA_RSS_PHONE")[7:], 20); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Search(ctx, string(surnames[i%len(surnames)])+"伟", 20); err != nil {
			t.Fatal(err)
		}
	}
	fh, err := os.Open(filepath.Join("/proc", "self", "status"))
	if err != nil {
		t.Skip("no /proc on this system")
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fmt.Printf("RSS_KB %s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}
