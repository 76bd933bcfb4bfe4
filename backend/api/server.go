// Package api is StudioDesk's HTTP surface: the JSON API the desktop app calls, health
// endpoints, and (later) customer pages, sync and uploads. Handlers decode, check the
// caller's permission and scope with the domain rules, and write through the store in one
// transaction together with the audit entry.
package api

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/live"
	"github.com/studiodesk/studiodesk/backend/media"
	notice "github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/payment"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Config holds the server's tunables; zero values take the documented defaults.
type Config struct {
	Store  store.Store
	Logger *slog.Logger
	// Now is the clock (tests pass a fake); default time.Now.
	Now func() time.Time
	// Password hashing cost; default auth.Default.
	Password auth.Params
	// SessionIdle is how long a session lives without use; default 30 days.
	SessionIdle time.Duration
	// MaxBody bounds JSON request bodies; default 1 MiB.
	MaxBody int64
	// Login limits: failures per phone and attempts per client IP within LoginWindow.
	LoginPerPhone int           // default 5
	LoginPerIP    int           // default 30
	LoginWindow   time.Duration // default 15 minutes
	// Customer is the built customer web app (frontend/dist); nil serves a plain notice.
	Customer fs.FS
	// TrustProxy makes X-Forwarded-For the client address (behind a reverse proxy only).
	TrustProxy bool
	// Sweep tunes the background lead sweep (reminders, pool recycling).
	Sweep SweepConfig
	// Live fans events out to the browsers watching (live albums); default: within this
	// process (live.Memory). Several replicas need one that crosses them
	// (store/postgres.Broker).
	Live live.Broker
	// JobLease is how long a background job may run before another worker (on this
	// replica or another) may take it over; default 2 minutes. A replica that dies mid-job
	// leaves its job to run again elsewhere once the lease runs out.
	JobLease time.Duration
	// OnJob, if set, hears every finished background job (metrics).
	OnJob func(kind string, err error)
	// Middleware, if set, wraps the routes (metrics): the request it sees is the one the
	// router fills in, so r.Pattern names the matched route once the handler returns.
	Middleware func(http.Handler) http.Handler
	// Payments are the payment providers studios may buy credits through (docs/albums.md).
	Payments []payment.Provider
	// Blobs stores originals and renditions (each studio under its own prefix); UploadDir
	// holds tus uploads in progress. Uploads are off unless both are set.
	Blobs     blob.Bucket
	UploadDir string
	// Renderer makes renditions; default media.Best (libjpeg-turbo where the build has it).
	Renderer media.Renderer
	// LinkCacheTTL, when > 0, lets thumbnail and preview GETs reuse link, album and photo
	// look-ups for that long (see linkCache; the server command uses 1 s).
	LinkCacheTTL time.Duration
	// RenditionCache is how many bytes of served thumbs and previews are kept in memory
	// (default 64 MiB; negative turns the cache off).
	RenditionCache int64
	// Upload size limits; defaults 200 MiB per image, 50 GiB per video.
	MaxImageSize, MaxVideoSize int64
	// PublicURL is where customers reach this server (links in notifications), e.g.
	// https://photos.example.com.
	PublicURL string
	// SMS are the SMS senders studios may pick (none ship with the server).
	SMS []notice.SMSSender
	// NotifyTLS overrides the TLS setup of SMTP relays (tests trust their own certificate).
	NotifyTLS *tls.Config
	// WebhookClient sends webhooks; default notify.PublicOnlyClient (10 s; loopback and
	// private addresses refused) unless AllowPrivateWebhooks.
	WebhookClient *http.Client
	// AllowPrivateWebhooks lets studios' webhooks reach private and loopback addresses (an
	// operator whose receivers are internal; tests).
	AllowPrivateWebhooks bool
	// Notify tunes notification delivery.
	Notify NotifyConfig
	// Retention tunes the album-retention job.
	Retention RetentionConfig
}

// Server is the HTTP handler of the cloud server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler // mux, wrapped by cfg.Middleware
	uploads *uploads     // nil when uploads are off
	// renditions caches served thumbs and previews (nil when Config.RenditionCache < 0).
	renditions *renditionCache
	// links caches link and photo look-ups of thumb and preview GETs (nil when off).
	links *linkCache

	principals principals // recent sessions' principals (principal.go)
	// jobsDue wakes this process's job runner when a request scheduled work due now (a
	// photo to render), instead of waiting for the next poll (sweep.go).
	jobsDue chan struct{}

	afterCreatePlan func() // tests only: runs between a REST create's plan and its write
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Password == (auth.Params{}) {
		cfg.Password = auth.Default
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * 24 * time.Hour
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.LoginPerPhone == 0 {
		cfg.LoginPerPhone = 5
	}
	if cfg.LoginPerIP == 0 {
		cfg.LoginPerIP = 30
	}
	if cfg.LoginWindow == 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.JobLease <= 0 {
		cfg.JobLease = defaultJobLease
	}
	if cfg.Renderer == nil {
		cfg.Renderer = media.Best(media.Limits{})
	}
	if cfg.MaxImageSize == 0 {
		cfg.MaxImageSize = defaultMaxImage
	}
	if cfg.MaxVideoSize == 0 {
		cfg.MaxVideoSize = defaultMaxVideo
	}
	if cfg.WebhookClient == nil && !cfg.AllowPrivateWebhooks {
		cfg.WebhookClient = notice.PublicOnlyClient(10 * time.Second)
	}
	if cfg.Live == nil {
		cfg.Live = live.NewMemory()
	}
	if cfg.Payments == nil {
		cfg.Payments = []payment.Provider{payment.Manual{}} // the operator's top-up is always there
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), jobsDue: make(chan struct{}, 1)}
	if cfg.RenditionCache == 0 {
		cfg.RenditionCache = 64 << 20
	}
	if cfg.RenditionCache > 0 {
		s.renditions = newRenditionCache(cfg.RenditionCache)
	}
	if cfg.LinkCacheTTL > 0 {
		s.links = newLinkCache(cfg.LinkCacheTTL)
	}
	s.routes()
	s.handler = s.mux
	if cfg.Middleware != nil {
		s.handler = cfg.Middleware(s.mux)
	}
	return s
}

// ServeHTTP implements http.Handler: it tags the request with an id and recovers from panics
// so one bad request never takes the server down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	w.Header().Set("X-Request-Id", id)
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(r.Context(), "panic", "request_id", id, "panic", p)
			writeError(w, r, s.log, errPanic)
		}
	}()
	s.handler.ServeHTTP(w, r)
}

type requestIDKey struct{}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

var errPanic = &Error{Status: http.StatusInternalServerError, Code: "internal"}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	m.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Store.Ping(ctx); err != nil {
			s.log.WarnContext(ctx, "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})

	m.Handle("POST /api/v1/auth/login", s.public(s.login))
	m.Handle("POST /api/v1/auth/logout", s.authed(s.logout))
	m.Handle("GET /api/v1/me", s.authed(s.me))
	m.Handle("POST /api/v1/me/password", s.authed(s.changePassword))
	m.Handle("GET /api/v1/permissions", s.authed(s.permissions))
	m.Handle("GET /api/v1/setup/status", s.authed(s.setupStatus))

	m.Handle("GET /api/v1/brands", s.authed(s.listBrands))
	m.Handle("POST /api/v1/brands", s.authed(s.saveBrand))
	m.Handle("PUT /api/v1/brands/{id}", s.authed(s.saveBrand))
	m.Handle("GET /api/v1/branches", s.authed(s.listBranches))
	m.Handle("POST /api/v1/branches", s.authed(s.saveBranch))
	m.Handle("PUT /api/v1/branches/{id}", s.authed(s.saveBranch))
	m.Handle("GET /api/v1/departments", s.authed(s.listDepartments))
	m.Handle("POST /api/v1/departments", s.authed(s.saveDepartment))
	m.Handle("PUT /api/v1/departments/{id}", s.authed(s.saveDepartment))
	m.Handle("GET /api/v1/roles", s.authed(s.listRoles))
	m.Handle("POST /api/v1/roles", s.authed(s.saveRole))
	m.Handle("PUT /api/v1/roles/{id}", s.authed(s.saveRole))
	m.Handle("DELETE /api/v1/roles/{id}", s.authed(s.deleteRole))
	m.Handle("GET /api/v1/channel-groups", s.authed(s.listChannelGroups))
	m.Handle("POST /api/v1/channel-groups", s.authed(s.saveChannelGroup))
	m.Handle("PUT /api/v1/channel-groups/{id}", s.authed(s.saveChannelGroup))
	m.Handle("GET /api/v1/channels", s.authed(s.listChannels))
	m.Handle("POST /api/v1/channels", s.authed(s.saveChannel))
	m.Handle("PUT /api/v1/channels/{id}", s.authed(s.saveChannel))
	m.Handle("GET /api/v1/devices", s.authed(s.listDevices))
	m.Handle("PUT /api/v1/devices/{id}/branches", s.authed(s.bindDevice))
	m.Handle("GET /api/v1/audit", s.authed(s.listAudit))

	m.Handle("GET /api/v1/staff", s.authed(s.listStaff))
	m.Handle("GET /api/v1/staff/names", s.authed(s.listStaffNames))
	m.Handle("POST /api/v1/staff", s.authed(s.saveStaff))
	m.Handle("PUT /api/v1/staff/{id}", s.authed(s.saveStaff))
	m.Handle("POST /api/v1/staff/{id}/disable", s.authed(s.disableStaff))
	m.Handle("POST /api/v1/staff/{id}/enable", s.authed(s.enableStaff))
	m.Handle("POST /api/v1/staff/{id}/reset-password", s.authed(s.resetStaffPassword))

	m.Handle("GET /api/v1/leads", s.authed(s.listLeads))
	m.Handle("POST /api/v1/leads", s.authed(s.createLead))
	m.Handle("GET /api/v1/leads/duplicate", s.authed(s.checkDuplicate))
	m.Handle("GET /api/v1/leads/{id}", s.authed(s.getLead))
	m.Handle("POST /api/v1/leads/{id}/follow-ups", s.authed(s.runOp("lead.follow_up")))
	m.Handle("PATCH /api/v1/leads/{id}", s.authed(s.patchLead))
	m.Handle("POST /api/v1/leads/{id}/transition", s.authed(s.runOp("lead.transition")))
	m.Handle("POST /api/v1/leads/{id}/correct", s.authed(s.runOp("lead.correct")))
	m.Handle("POST /api/v1/leads/{id}/calls", s.authed(s.runOp("lead.call")))
	m.Handle("POST /api/v1/leads/{id}/refund", s.authed(s.runOp("lead.refund")))
	m.Handle("GET /api/v1/leads/{id}/timeline", s.authed(s.leadTimeline))
	m.Handle("POST /api/v1/leads/{id}/reveal", s.authed(s.revealPhone))
	m.Handle("POST /api/v1/leads/{id}/approval", s.authed(s.approveReferral))
	m.Handle("POST /api/v1/leads/batch", s.authed(s.batchLeads))
	m.Handle("POST /api/v1/leads/{id}/transfer-requests", s.authed(s.requestTransfer))
	m.Handle("GET /api/v1/transfer-requests", s.authed(s.listTransferRequests))
	m.Handle("POST /api/v1/transfer-requests/{id}/decision", s.authed(s.decideTransfer))
	m.Handle("GET /api/v1/assign-rules", s.authed(s.listAssignRules))
	m.Handle("PUT /api/v1/assign-rules", s.authed(s.setAssignRules))
	m.Handle("GET /api/v1/pool", s.authed(s.listPool))
	m.Handle("GET /api/v1/notifications", s.authed(s.listNotifications))
	m.Handle("POST /api/v1/notifications/read", s.authed(s.readNotifications))
	m.Handle("POST /api/v1/pool/claim", s.authed(s.claimLead))
	m.Handle("GET /api/v1/brands/{id}/fields", s.authed(s.getCustomFields))
	m.Handle("PUT /api/v1/brands/{id}/fields", s.authed(s.setCustomFields))
	m.Handle("POST /api/v1/leads/assign", s.authed(s.assignLeads))
	m.Handle("POST /api/v1/leads/transfer", s.authed(s.transferLeads))
	m.Handle("GET /api/v1/assignees", s.authed(s.listAssignees))
	m.Handle("GET /api/v1/checkins", s.authed(s.listCheckIns))
	m.Handle("POST /api/v1/checkins", s.authed(s.checkIn))
	m.Handle("GET /api/v1/staff/{id}/actions", s.authed(s.staffActions))
	m.Handle("GET /api/v1/sync/pull", s.authed(s.pull))
	m.Handle("GET /api/v1/sync/snapshot", s.authed(s.snapshot))
	m.Handle("POST /api/v1/sync/push", s.authed(s.push))

	s.creditRoutes(m)
	s.albumRoutes(m)
	s.logoRoutes(m)
	s.uploadRoutes(m)
	s.shareRoutes(m)
	s.liveRoutes(m)
	s.notifyRoutes(m)
	s.myPhotosRoutes(m)

	m.Handle("/api/", s.public(func(*call) (any, error) {
		return nil, apiErr(http.StatusNotFound, "not_found", "", nil)
	}))
	m.Handle("/", s.customerPages())
}
