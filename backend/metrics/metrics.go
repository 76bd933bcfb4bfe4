// Package metrics exposes the server's Prometheus metrics: HTTP requests by route and
// status with latency, the database writer's queue and group commits, background jobs,
// and Go's runtime and process metrics. The server serves them on their own listen address
// (serve --metrics-addr), never on the public API port.
package metrics

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one server's registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	jobs     *prometheus.CounterVec
}

// New creates a registry with the runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studiodesk_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "studiodesk_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request (until the handler returns), by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60}}, []string{"route"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studiodesk_jobs_total",
			Help: "Background job runs, by kind and result (ok, error)."}, []string{"kind", "result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Middleware counts and times every request by the route pattern the server's mux matched
// (unmatched requests count as "unmatched"), so ids in paths never become label values.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			p := recover()
			if p != nil {
				sw.code = http.StatusInternalServerError // the server's recovery answers 500
			}
			route := r.Pattern // set by http.ServeMux on the request it routed
			if route == "" {
				route = "unmatched"
			}
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.code)).Inc()
			m.latency.WithLabelValues(route).Observe(time.Since(began).Seconds())
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// JobDone counts one background job run.
func (m *Metrics) JobDone(kind string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.jobs.WithLabelValues(kind, result).Inc()
}

// WriterStats is what a store reports about its single writer (store/sqldb with SQLite).
type WriterStats interface {
	WriteQueue() int
	GroupStats() (batches, members int64)
	WriterBusy() time.Duration
}

// ObserveWriter exports a store's writer queue and group commits.
func (m *Metrics) ObserveWriter(s WriterStats) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "studiodesk_db_write_queue",
			Help: "Write transactions waiting for the database writer."}, func() float64 { return float64(s.WriteQueue()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "studiodesk_db_group_commits_total",
			Help: "Database transactions committed by group commit."}, func() float64 { b, _ := s.GroupStats(); return float64(b) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "studiodesk_db_grouped_transactions_total",
			Help: "Write transactions carried by group commits (divide by group commits for the mean group size)."},
			func() float64 { _, n := s.GroupStats(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "studiodesk_db_writer_busy_seconds_total",
			Help: "Time the single database writer spent in write transactions (its rate is the writer's utilization)."},
			func() float64 { return s.WriterBusy().Seconds() }),
	)
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// ReadFrom passes the copy on to the server's writer, which sends a file with sendfile
// (zip downloads, files); hiding it would copy every byte through a buffer.
func (w *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	w.wroteHeader = true
	return io.Copy(w.ResponseWriter, src)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes for live streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
