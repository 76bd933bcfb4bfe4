package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAuthenticatedRead measures one authenticated API read over loopback HTTP:
// token lookup, staff + roles load, a tenant-scoped list, JSON encoding.
func BenchmarkAuthenticatedRead(b *testing.B) {
	e := newEnv(b)
	s := e.newStudio("基准影楼", 1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := http.NewRequest("GET", e.srv.URL+"/api/v1/branches", nil)
			if err != nil {
				b.Error(err)
				return
			}
			r.Header.Set("Authorization", "Bearer "+s.admin)
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				b.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}

// BenchmarkAuditedWrite measures an authenticated, validated, audited write (channel create).
func BenchmarkAuditedWrite(b *testing.B) {
	e := newEnv(b)
	s := e.newStudio("基准影楼", 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.must(201, "POST", "/api/v1/channels", s.admin, map[string]any{"name": "渠道" + strconv.Itoa(i), "active": true})
	}
}

// createLeadBody is a new wedding lead for brand with a phone no other iteration uses.
func createLeadBody(brand, branch int64, i int64) map[string]any {
	return map[string]any{"brand_id": brand, "branch_id": branch, "name": "基准客户", "phone": fmt.Sprintf("139%08d", i),
		"source_type": "ad", "wedding": map[string]any{"partner_name": "李先生", "wedding_date": "2027-05-20"}}
}

// BenchmarkCreateLead measures POST /api/v1/leads as the admin: normalization, dedupe lookup,
// the lead row, its event, the change-feed entry and the audit entry in one transaction.
// serial is one client; parallel8 is eight clients sharing the single SQLite writer.
func BenchmarkCreateLead(b *testing.B) {
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			e := newEnv(b)
			s := e.newStudio("基准影楼", 1)
			var n atomic.Int64
			b.ResetTimer()
			var wg sync.WaitGroup
			per := b.N/clients + 1
			for range clients {
				wg.Go(func() {
					for range per {
						if r := e.req("POST", "/api/v1/leads", s.admin, createLeadBody(s.brand, s.branch, n.Add(1))); r.Status != 201 {
							b.Errorf("create: %d %s", r.Status, r.Raw)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// BenchmarkPull10k measures GET /api/v1/sync/pull of 10,000 changes (10,000 leads) as the
// admin, body read and discarded: the feed page, the page's leads in one query, scope and
// masking per lead, JSON.
func BenchmarkPull10k(b *testing.B) {
	e := newEnv(b)
	s := e.newStudio("基准影楼", 1)
	var wg sync.WaitGroup
	var n atomic.Int64
	for range 8 {
		wg.Go(func() {
			for i := n.Add(1); i <= 10000; i = n.Add(1) {
				e.must(201, "POST", "/api/v1/leads", s.admin, createLeadBody(s.brand, s.branch, i))
			}
		})
	}
	wg.Wait()
	b.ResetTimer()
	for range b.N {
		r, err := http.NewRequest("GET", e.srv.URL+"/api/v1/sync/pull?limit=10000", nil)
		if err != nil {
			b.Fatal(err)
		}
		r.Header.Set("Authorization", "Bearer "+s.admin)
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		nb, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || nb < 10000*100 {
			b.Fatalf("pull: status %d, %d bytes", res.StatusCode, nb)
		}
	}
}
