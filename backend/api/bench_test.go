package api_test

import (
	"net/http"
	"strconv"
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
