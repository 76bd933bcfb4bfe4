package metrics_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/metrics"
)

type writer struct{}

func (writer) WriteQueue() int                      { return 3 }
func (writer) GroupStats() (batches, members int64) { return 10, 45 }
func (writer) WriterBusy() time.Duration            { return 1500 * time.Millisecond }

func TestRequestsJobsAndWriter(t *testing.T) {
	m := metrics.New()
	m.ObserveWriter(writer{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/leads/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()
	for _, p := range []string{"/api/v1/leads/1", "/api/v1/leads/2", "/ok", "/nowhere"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	m.JobDone("lead.sweep", nil)
	m.JobDone("lead.sweep", errors.New("boom"))

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`studiodesk_http_requests_total{code="404",method="GET",route="GET /api/v1/leads/{id}"} 2`,
		`studiodesk_http_requests_total{code="200",method="GET",route="GET /ok"} 1`,
		`studiodesk_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`studiodesk_http_request_duration_seconds_count{route="GET /ok"} 1`,
		`studiodesk_jobs_total{kind="lead.sweep",result="ok"} 1`,
		`studiodesk_jobs_total{kind="lead.sweep",result="error"} 1`,
		`studiodesk_db_write_queue 3`,
		`studiodesk_db_group_commits_total 10`,
		`studiodesk_db_grouped_transactions_total 45`,
		`studiodesk_db_writer_busy_seconds_total 1.5`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, `route="/api/v1/leads/1"`) {
		t.Error("a path with an id became a label value")
	}
}
