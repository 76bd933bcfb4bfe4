package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/studiodesk/studiodesk/backend/account"
)

// TestLeadPermissionMatrix: every built-in role against every guarded lead action; the
// expected answer comes from the role's permission list, so the two cannot drift.
func TestLeadPermissionMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	grants := map[string][]account.Permission{}
	for _, r := range account.BuiltinRoles() {
		grants[r.Key] = r.Permissions
	}
	n := 0
	newLead := func() int64 {
		n++
		return idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch,
			"phone": fmt.Sprintf("1330000%04d", n), "source_type": "ad"})))
	}
	actions := []struct {
		name string
		perm account.Permission
		do   func(tok string) resp
	}{
		{"create lead", account.PermLeadCreate, func(tok string) resp {
			n++
			return e.req("POST", "/api/v1/leads", tok, map[string]any{"brand_id": s.brand, "phone": fmt.Sprintf("1331000%04d", n), "source_type": "ad"})
		}},
		{"assign", account.PermLeadAssign, func(tok string) resp {
			return e.req("POST", "/api/v1/leads/assign", tok, map[string]any{"lead_ids": []int64{newLead()}, "staff_id": s.bookers[0]})
		}},
		{"transfer", account.PermLeadTransfer, func(tok string) resp {
			id := newLead()
			e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
			return e.req("POST", "/api/v1/leads/transfer", tok, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[1], "reason": "调整"})
		}},
		{"correct status", account.PermLeadCorrectStatus, func(tok string) resp {
			return e.req("POST", fmt.Sprintf("/api/v1/leads/%d/correct", newLead()), tok, map[string]any{"axis": "validity", "to": "valid", "reason": "核实"})
		}},
		{"batch edit", account.PermLeadBatchEdit, func(tok string) resp {
			return e.req("POST", "/api/v1/leads/batch", tok, map[string]any{"lead_ids": []int64{newLead()}, "op": "lock"})
		}},
		{"reveal phone", account.PermLeadRevealPhone, func(tok string) resp {
			return e.req("POST", fmt.Sprintf("/api/v1/leads/%d/reveal", newLead()), tok, nil)
		}},
		{"approve referral", account.PermReferralApprove, func(tok string) resp {
			n++
			id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.bookerTok[0], map[string]any{"brand_id": s.brand, "branch_id": s.branch,
				"phone": fmt.Sprintf("1332000%04d", n), "source_type": "referral", "referrer_name": "老客", "referrer_phone": "13900001234"})))
			return e.req("POST", fmt.Sprintf("/api/v1/leads/%d/approval", id), tok, map[string]any{"approve": true})
		}},
		{"claim from pool", account.PermPoolClaim, func(tok string) resp {
			id := newLead()
			e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
			e.must(200, "POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": []int64{id}, "op": "pool"})
			return e.req("POST", "/api/v1/pool/claim", tok, map[string]any{"lead_id": id})
		}},
		{"check in someone else", account.PermCheckinOthers, func(tok string) resp {
			return e.req("POST", "/api/v1/checkins", tok, map[string]any{"staff_id": s.bookers[2]})
		}},
	}
	for _, a := range actions {
		for _, role := range roleKeys {
			t.Run(a.name+"/"+role, func(t *testing.T) {
				r := a.do(s.tokens[role])
				allowed := slices.Contains(grants[role], a.perm)
				switch {
				case allowed && r.Status >= 300:
					t.Fatalf("%s holds %s but got %d %s", role, a.perm, r.Status, r.Raw)
				case !allowed && (r.Status != 403 || r.code() != "forbidden"):
					t.Fatalf("%s lacks %s but got %d %s", role, a.perm, r.Status, r.Raw)
				}
			})
		}
	}
}
