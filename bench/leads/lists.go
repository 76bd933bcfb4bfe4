package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// env is what every measurement needs.
type env struct {
	cfg     Config
	st      store.Store
	raw     *sql.DB
	eng     engine
	d       *dataset
	admin   apiClient
	manager apiClient
	log     io.Writer
}

func (e *env) tenant() int64 { return e.d.org.TenantID }

func (e *env) sampler(warmup, n, minN int) sampler {
	return sampler{Warmup: warmup, N: n, MinN: minN, Budget: e.cfg.ScenarioTime}
}

// listCase is one lead-list scenario: a family of filters drawn at random per request.
type listCase struct {
	name      string
	target    time.Duration // p95 target through the API; 0 = none
	asManager bool          // as the branch-scoped manager instead of the admin
	filter    func(r *rand.Rand) store.LeadFilter
}

// listResult is one scenario measured at three layers on the same filters.
type listResult struct {
	listCase
	api, store, raw stats
	rows            int    // rows of the first request's page
	sql, plan       string // the first request's statement and its query plan
}

const pageSize = 50

// scope is the caller's data scope as the API derives it (call.leadScope).
func (e *env) scope(manager bool) store.LeadScope {
	o := e.d.org
	if manager {
		return store.LeadScope{StaffID: o.Manager.ID, BranchID: o.Manager.BranchID}
	}
	return store.LeadScope{All: true, StaffID: o.Admin.ID}
}

// listCases are the lead-list scenarios of issue 3: typical filters, keyset second pages,
// the branch-scoped manager's list, and the three kinds of free-text search.
func (e *env) listCases(ctx context.Context) ([]listCase, error) {
	o, d := e.d.org, e.d
	var branches []int64
	for _, b := range o.Brands {
		for _, br := range b.Branches {
			branches = append(branches, br.ID)
		}
	}
	managerBrand := int64(0)
	for _, b := range o.Brands {
		for _, br := range b.Branches {
			if br.ID == o.Manager.BranchID {
				managerBrand = b.ID
			}
		}
	}
	// window is a random 30-day slice of the seeded year (whole seconds, as a client sends).
	window := func(r *rand.Rand, f *store.LeadFilter) {
		from := d.start.Add(time.Duration(r.IntN(12)) * 30 * 24 * time.Hour).Truncate(time.Second)
		to := from.Add(30 * 24 * time.Hour)
		f.CreatedFrom, f.CreatedTo = &from, &to
	}
	brandWindowValid := func(brand func(r *rand.Rand) int64) func(r *rand.Rand) store.LeadFilter {
		return func(r *rand.Rand) store.LeadFilter {
			f := store.LeadFilter{BrandID: brand(r), Validity: string(lead.ValidityValid)}
			window(r, &f)
			return f
		}
	}
	anyBrand := func(r *rand.Rand) int64 { return pick(r, o.Brands).ID }
	// liveLead is a random seeded lead that is not in the recycle bin (so its phone finds it).
	liveLead := func(r *rand.Rand) int {
		for {
			i := r.IntN(d.n)
			if l, _ := d.seeded(i); !l.Deleted {
				return i
			}
		}
	}
	names := searchNames()
	cases := []listCase{
		{name: "brand + created 30-day window + validity", target: 5 * time.Millisecond, filter: brandWindowValid(anyBrand)},
		{name: "owner", target: 5 * time.Millisecond, filter: func(r *rand.Rand) store.LeadFilter {
			return store.LeadFilter{OwnerID: pick(r, o.Bookers).ID}
		}},
		{name: "branch", target: 5 * time.Millisecond, filter: func(r *rand.Rand) store.LeadFilter {
			return store.LeadFilter{BranchID: pick(r, branches)}
		}},
		{name: "default first page (no filter)", target: 5 * time.Millisecond, filter: func(*rand.Rand) store.LeadFilter {
			return store.LeadFilter{}
		}},
		{name: "default, keyset page 2", target: 5 * time.Millisecond},
		{name: "brand + window + validity, keyset page 2", target: 5 * time.Millisecond},
		{name: "manager (branch scope): default first page", target: 5 * time.Millisecond, asManager: true,
			filter: func(*rand.Rand) store.LeadFilter { return store.LeadFilter{} }},
		{name: "manager (branch scope): brand + window + validity", target: 5 * time.Millisecond, asManager: true,
			filter: brandWindowValid(func(*rand.Rand) int64 { return managerBrand })},
		{name: "phone, exact (q = 11 digits)", target: 2 * time.Millisecond, filter: func(r *rand.Rand) store.LeadFilter {
			return store.LeadFilter{Text: phoneOf(liveLead(r))}
		}},
		{name: "phone suffix (q = last 4 digits)", target: 5 * time.Millisecond, filter: func(r *rand.Rand) store.LeadFilter {
			return store.LeadFilter{Text: phoneOf(liveLead(r))[7:]}
		}},
		{name: "name substring (q = 2 characters)", target: 5 * time.Millisecond, filter: func(r *rand.Rand) store.LeadFilter {
			return store.LeadFilter{Text: pick(r, names)}
		}},
	}
	// Second pages continue from the last row of real first pages.
	var err error
	if cases[4].filter, err = e.secondPages(ctx, cases[3].filter, 1); err != nil {
		return nil, err
	}
	if cases[5].filter, err = e.secondPages(ctx, cases[0].filter, 48); err != nil {
		return nil, err
	}
	return cases, nil
}

// secondPages draws variants first pages (as the admin) from base and returns a filter
// family that asks for the page after one of them.
func (e *env) secondPages(ctx context.Context, base func(*rand.Rand) store.LeadFilter, variants int) (func(*rand.Rand) store.LeadFilter, error) {
	r := rand.New(rand.NewPCG(99, 99))
	var pool []store.LeadFilter
	for range variants {
		f := base(r)
		f.Scope, f.Limit = e.scope(false), pageSize
		var page []lead.Lead
		err := e.st.View(ctx, e.tenant(), func(tx store.Tx) (err error) { page, err = tx.ListLeads(ctx, f); return })
		if err != nil {
			return nil, fmt.Errorf("first page for a second-page scenario: %w", err)
		}
		if len(page) < pageSize {
			continue
		}
		last := page[len(page)-1]
		at := last.CreatedAt
		f.AfterCreated, f.AfterID = &at, last.ID
		pool = append(pool, f)
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("no full first page to continue from")
	}
	return func(r *rand.Rand) store.LeadFilter { return pick(r, pool) }, nil
}

// apiQuery is the query string of GET /api/v1/leads for f (the cursor is encoded as the
// server's encodeCursor does: base64url of "unix-ms:id").
func apiQuery(f store.LeadFilter) string {
	q := url.Values{}
	num := func(k string, v int64) {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	num("brand_id", f.BrandID)
	num("branch_id", f.BranchID)
	num("channel_id", f.ChannelID)
	num("owner_id", f.OwnerID)
	if f.Validity != "" {
		q.Set("validity", f.Validity)
	}
	if f.CreatedFrom != nil {
		q.Set("created_from", f.CreatedFrom.Format(time.RFC3339))
	}
	if f.CreatedTo != nil {
		q.Set("created_to", f.CreatedTo.Format(time.RFC3339))
	}
	if f.Text != "" {
		q.Set("q", f.Text)
	}
	if f.AfterCreated != nil {
		q.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte(
			strconv.FormatInt(f.AfterCreated.UnixMilli(), 10)+":"+strconv.FormatInt(f.AfterID, 10))))
	}
	if f.Limit != 0 && f.Limit != pageSize {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return q.Encode()
}

// runList measures one scenario on the same pre-drawn filters three ways: the raw statement
// on the raw reader, the store's ListLeads (statement + doc decoding, no HTTP), and the API
// over loopback (auth, store, masking, JSON, HTTP). The first filter is run on all three
// first and must return the same ids, so the layers are known to do the same work.
func (e *env) runList(ctx context.Context, idx int, c listCase) (listResult, error) {
	res := listResult{listCase: c}
	client := e.admin
	if c.asManager {
		client = e.manager
	}
	r := rand.New(rand.NewPCG(uint64(idx)+1, 42))
	filters := make([]store.LeadFilter, e.cfg.Warmup+e.cfg.Iterations)
	for i := range filters {
		f := c.filter(r)
		f.Scope, f.Limit = e.scope(c.asManager), pageSize
		filters[i] = f
	}
	at := func(i int) store.LeadFilter { return filters[i%len(filters)] }

	q, args := e.eng.listSQL(e.tenant(), filters[0])
	res.sql = inlineArgs(q, args)
	var err error
	if res.plan, err = e.eng.explain(ctx, e.raw, q, args...); err != nil {
		return res, err
	}
	raw, err := rawIDs(ctx, e.raw, q, args...)
	if err != nil {
		return res, err
	}
	var viaStore []lead.Lead
	if err := e.st.View(ctx, e.tenant(), func(tx store.Tx) (err error) { viaStore, err = tx.ListLeads(ctx, filters[0]); return }); err != nil {
		return res, err
	}
	body, err := client.expect(ctx, http.StatusOK, "GET", "/api/v1/leads?"+apiQuery(filters[0]), nil)
	if err != nil {
		return res, err
	}
	var page struct {
		Leads []struct {
			ID int64 `json:"id"`
		} `json:"leads"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return res, fmt.Errorf("decode lead page: %w", err)
	}
	ids := func(n int, id func(int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	storeIDs := ids(len(viaStore), func(i int) int64 { return viaStore[i].ID })
	apiIDs := ids(len(page.Leads), func(i int) int64 { return page.Leads[i].ID })
	if !slices.Equal(raw, storeIDs) || !slices.Equal(raw, apiIDs) {
		return res, fmt.Errorf("%s: raw SQL, store and API disagree on the first page (%d/%d/%d rows)", c.name, len(raw), len(storeIDs), len(apiIDs))
	}
	if len(raw) == 0 {
		return res, fmt.Errorf("%s: the first page is empty: the scenario measures nothing", c.name)
	}
	res.rows = len(raw)

	smp := e.sampler(e.cfg.Warmup, e.cfg.Iterations, 20)
	fmt.Fprintf(e.log, "  %s: raw", c.name)
	if res.raw, err = smp.run(ctx, func(ctx context.Context, i int) error {
		q, args := e.eng.listSQL(e.tenant(), at(i))
		_, err := rawIDs(ctx, e.raw, q, args...)
		return err
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s, store", ms(res.raw.P95))
	if res.store, err = smp.run(ctx, func(ctx context.Context, i int) error {
		return e.st.View(ctx, e.tenant(), func(tx store.Tx) error { _, err := tx.ListLeads(ctx, at(i)); return err })
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s, API", ms(res.store.P95))
	if res.api, err = smp.run(ctx, func(ctx context.Context, i int) error {
		_, err := client.expect(ctx, http.StatusOK, "GET", "/api/v1/leads?"+apiQuery(at(i)), nil)
		return err
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s (p95, n=%d)\n", ms(res.api.P95), res.api.N)
	return res, nil
}

// inlineArgs writes a statement with its arguments in place of the placeholders, for the report.
func inlineArgs(q string, args []any) string {
	out := make([]byte, 0, len(q)+8*len(args))
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' || n >= len(args) {
			out = append(out, q[i])
			continue
		}
		switch v := args[n].(type) {
		case string:
			out = append(out, "'"+strings.ReplaceAll(v, "'", "''")+"'"...)
		default:
			out = append(out, fmt.Sprint(v)...)
		}
		n++
	}
	return string(out)
}

// ms formats a duration in milliseconds with sensible precision.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.3f ms", v)
}
