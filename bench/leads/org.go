package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// The studio every run seeds: a wedding brand and a children's brand, two branches each, six
// departments and 60 staff, channels with the shares a Guangzhou/Shenzhen studio sees.
// loadOrg finds these records again by name, so the plan is the one place to change them.

const (
	studioName   = "星光影像集团"
	staffPass    = "Bench2026x"
	adminPhone   = "13900000001"
	deviceID     = "bench-desktop-0001"
	staffPhoneFm = "1770000%04d"
)

type channelPlan struct {
	name, group string
	source      lead.SourceType
	weight      int
}

type brandPlan struct {
	name     string
	typ      account.BrandType
	policy   account.DuplicatePolicy
	share    int // percent of leads
	branches []string
	channels []channelPlan
	fields   []lead.CustomField
}

type deptPlan struct {
	brand, branch int // indexes into brandPlans and its branches
	name          string
	kind          account.DepartmentKind
	role          string // built-in role key of its members
	staff         int
}

var brandPlans = []brandPlan{
	{
		name: "星光婚纱摄影", typ: account.BrandWedding, policy: account.DupReject, share: 60,
		branches: []string{"天河旗舰店", "福田店"},
		channels: []channelPlan{
			{"抖音信息流", "线上投放", lead.SourceAd, 30}, {"小红书", "线上投放", lead.SourceAd, 22},
			{"美团/大众点评", "线上投放", lead.SourceAd, 18}, {"百度搜索", "线上投放", lead.SourceAd, 6},
			{"婚博会", "活动", lead.SourceEvent, 8}, {"老客转介绍", "转介绍", lead.SourceReferral, 8},
			{"自然进店", "自然到店", lead.SourceWalkIn, 5}, {"婚庆公司合作", "异业合作", lead.SourcePartner, 3},
		},
		fields: []lead.CustomField{
			{Key: "budget", Label: "预算", Type: lead.FieldSingle, Options: []string{"5千以下", "5千-1万", "1万-2万", "2万以上"}},
			{Key: "style", Label: "意向风格", Type: lead.FieldMulti, Options: []string{"韩式", "森系", "中式", "旅拍", "轻婚纱", "复古港风"}},
		},
	},
	{
		name: "小星星儿童摄影", typ: account.BrandChildren, policy: account.DupRepeat, share: 40,
		branches: []string{"天河店", "南山店"},
		channels: []channelPlan{
			{"抖音本地生活", "线上投放", lead.SourceAd, 30}, {"小红书", "线上投放", lead.SourceAd, 15},
			{"美团/大众点评", "线上投放", lead.SourceAd, 25}, {"母婴店合作", "异业合作", lead.SourcePartner, 10},
			{"老客转介绍", "转介绍", lead.SourceReferral, 12}, {"自然进店", "自然到店", lead.SourceWalkIn, 8},
		},
		fields: []lead.CustomField{
			{Key: "package", Label: "意向套餐", Type: lead.FieldSingle, Options: []string{"满月套餐", "百天套餐", "周岁套餐", "全家福"}},
			{Key: "kids", Label: "孩子数量", Type: lead.FieldNumber},
		},
	},
}

var deptPlans = []deptPlan{
	{0, 0, "网络客服部", account.DeptIntake, "intake", 8},
	{0, 0, "邀约一组", account.DeptBooking, "booking", 12},
	{0, 1, "邀约二组", account.DeptBooking, "booking", 10},
	{0, 1, "门店销售部", account.DeptStore, "store", 10},
	{1, 0, "儿童邀约组", account.DeptBooking, "booking", 10},
	{1, 1, "儿童门店组", account.DeptStore, "store", 4},
}

// Besides the departments: a manager (店长, branch scope) per branch and two channel staff.
const channelStaff = 2

// seedOrg creates the studio with api.CreateTenant and its org chart through the store, and
// returns the studio id and the admin's one-time password.
func seedOrg(ctx context.Context, st store.Store, now time.Time) (int64, string, error) {
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: studioName, AdminPhone: adminPhone, AdminName: "周总", Seats: 200}, now)
	if err != nil {
		return 0, "", err
	}
	hash, err := auth.HashPassword(auth.Fast, staffPass)
	if err != nil {
		return 0, "", err
	}
	r := rand.New(rand.NewPCG(7, 7))
	err = st.Update(ctx, p.Tenant.ID, func(tx store.Tx) error {
		roles := map[string]int64{}
		list, err := tx.ListRoles(ctx)
		if err != nil {
			return err
		}
		for _, ro := range list {
			roles[ro.Key] = ro.ID
		}
		groups := map[string]int64{}
		branches := make([][]account.Branch, len(brandPlans))
		for bi, bp := range brandPlans {
			b := account.Brand{Name: bp.name, Type: bp.typ, DuplicatePolicy: bp.policy, Timezone: account.DefaultTimezone, CreatedAt: now, UpdatedAt: now}
			if err := account.ValidateBrand(b); err != nil {
				return fmt.Errorf("brand %s: %w", bp.name, err)
			}
			if b, err = tx.InsertBrand(ctx, b); err != nil {
				return err
			}
			if err := lead.ValidateCustomFieldDefs(bp.fields); err != nil {
				return fmt.Errorf("custom fields of %s: %w", bp.name, err)
			}
			if err := tx.SetCustomFields(ctx, b.ID, bp.fields); err != nil {
				return err
			}
			for _, name := range bp.branches {
				br, err := tx.InsertBranch(ctx, account.Branch{BrandID: b.ID, Name: name, Address: "广东省", CreatedAt: now})
				if err != nil {
					return err
				}
				branches[bi] = append(branches[bi], br)
			}
			for _, cp := range bp.channels {
				if groups[cp.group] == 0 {
					g, err := tx.InsertChannelGroup(ctx, account.ChannelGroup{Name: cp.group})
					if err != nil {
						return err
					}
					groups[cp.group] = g.ID
				}
				if _, err := tx.InsertChannel(ctx, account.Channel{BrandID: b.ID, GroupID: groups[cp.group], Name: cp.name, Active: true}); err != nil {
					return err
				}
			}
		}
		n := 0
		addStaff := func(name string, branch, dept int64, role string) error {
			n++
			s := account.Staff{Phone: fmt.Sprintf(staffPhoneFm, n), Name: name, BranchID: branch, DepartmentID: dept,
				RoleIDs: []int64{roles[role]}, Weight: 1, CreatedAt: now, UpdatedAt: now}
			if err := account.ValidateStaff(s); err != nil {
				return fmt.Errorf("staff %s: %w", name, err)
			}
			_, err := tx.InsertStaff(ctx, s, hash)
			return err
		}
		for _, dp := range deptPlans {
			br := branches[dp.brand][dp.branch]
			d, err := tx.InsertDepartment(ctx, account.Department{BranchID: br.ID, Name: dp.name, Kind: dp.kind})
			if err != nil {
				return err
			}
			for range dp.staff {
				if err := addStaff(femaleName(r), br.ID, d.ID, dp.role); err != nil {
					return err
				}
			}
		}
		for _, bs := range branches {
			for _, br := range bs {
				if err := addStaff(maleName(r), br.ID, 0, "manager"); err != nil {
					return err
				}
			}
		}
		for range channelStaff {
			if err := addStaff(femaleName(r), branches[0][0].ID, 0, "channel"); err != nil {
				return err
			}
		}
		// The front-desk PC of the first branch, where the benchmark's manager logs in.
		if _, err := tx.SeeDevice(ctx, deviceID, "前台电脑", now); err != nil {
			return err
		}
		_, err = tx.SetDeviceBranches(ctx, deviceID, []int64{branches[0][0].ID})
		return err
	})
	if err != nil {
		return 0, "", fmt.Errorf("seed org chart: %w", err)
	}
	return p.Tenant.ID, p.Password, nil
}

// member is a staff member with their department's kind.
type member struct {
	account.Staff
	Kind account.DepartmentKind
}

type channelRef struct {
	ID     int64
	Source lead.SourceType
}

// brandOrg is one brand as lead generation needs it.
type brandOrg struct {
	account.Brand
	Share    int
	Branches []account.Branch
	Channels weighted[channelRef]
	Fields   []lead.CustomField
	Intake   []member           // who enters ad leads
	Booking  map[int64][]member // bookers by branch id
	Bookers  []member           // every booker of the brand
	Store    []member           // store sales of the brand
	Staff    []member           // everyone placed in the brand
}

// bookersFor returns the bookers working a branch's leads (the brand's when the branch has none).
func (b *brandOrg) bookersFor(branchID int64) []member {
	if m := b.Booking[branchID]; len(m) > 0 {
		return m
	}
	return b.Bookers
}

// org is the seeded studio as read back from the store.
type org struct {
	TenantID int64
	Admin    account.Staff
	Manager  account.Staff // manager (branch scope) of the first branch
	Brands   []*brandOrg
	Shares   weighted[*brandOrg] // brands by their share of leads
	Bookers  []member            // every booker (owner filters pick from these)
}

// loadOrg reads the studio's org chart back and matches it with the plan by name.
func loadOrg(ctx context.Context, st store.Store, tenantID int64) (*org, error) {
	o := &org{TenantID: tenantID}
	err := st.View(ctx, tenantID, func(tx store.Tx) error {
		brands, err := tx.ListBrands(ctx)
		if err != nil {
			return err
		}
		branches, err := tx.ListBranches(ctx)
		if err != nil {
			return err
		}
		depts, err := tx.ListDepartments(ctx)
		if err != nil {
			return err
		}
		staff, err := tx.ListStaff(ctx)
		if err != nil {
			return err
		}
		channels, err := tx.ListChannels(ctx)
		if err != nil {
			return err
		}
		roles, err := tx.ListRoles(ctx)
		if err != nil {
			return err
		}
		roleKey := map[int64]string{}
		for _, r := range roles {
			roleKey[r.ID] = r.Key
		}
		byBrand := map[int64]*brandOrg{}
		for _, b := range brands {
			var plan *brandPlan
			for i := range brandPlans {
				if brandPlans[i].name == b.Name {
					plan = &brandPlans[i]
				}
			}
			if plan == nil {
				return fmt.Errorf("brand %q is not in the benchmark's plan", b.Name)
			}
			bo := &brandOrg{Brand: b, Share: plan.share, Booking: map[int64][]member{}}
			if bo.Fields, err = tx.CustomFields(ctx, b.ID); err != nil {
				return err
			}
			for _, ch := range channels {
				if ch.BrandID != b.ID {
					continue
				}
				for _, cp := range plan.channels {
					if cp.name == ch.Name {
						bo.Channels.add(channelRef{ch.ID, cp.source}, cp.weight)
					}
				}
			}
			byBrand[b.ID] = bo
			o.Brands = append(o.Brands, bo)
			o.Shares.add(bo, bo.Share)
		}
		brandOf := map[int64]int64{}
		for _, br := range branches {
			brandOf[br.ID] = br.BrandID
			if bo := byBrand[br.BrandID]; bo != nil {
				bo.Branches = append(bo.Branches, br)
			}
		}
		kind := map[int64]account.DepartmentKind{}
		for _, d := range depts {
			kind[d.ID] = d.Kind
		}
		for _, s := range staff {
			m := member{Staff: s, Kind: kind[s.DepartmentID]}
			key := ""
			if len(s.RoleIDs) > 0 {
				key = roleKey[s.RoleIDs[0]]
			}
			switch {
			case key == account.RoleAdmin && o.Admin.ID == 0:
				o.Admin = s
			case key == "manager" && o.Manager.ID == 0:
				o.Manager = s
			}
			bo := byBrand[brandOf[s.BranchID]]
			if bo == nil {
				continue
			}
			bo.Staff = append(bo.Staff, m)
			switch m.Kind {
			case account.DeptIntake:
				bo.Intake = append(bo.Intake, m)
			case account.DeptBooking:
				bo.Booking[s.BranchID] = append(bo.Booking[s.BranchID], m)
				bo.Bookers = append(bo.Bookers, m)
				o.Bookers = append(o.Bookers, m)
			case account.DeptStore:
				bo.Store = append(bo.Store, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load org chart of studio %d: %w", tenantID, err)
	}
	if o.Admin.ID == 0 || o.Manager.ID == 0 || len(o.Brands) != len(brandPlans) || len(o.Bookers) == 0 {
		return nil, fmt.Errorf("studio %d does not have the benchmark's org chart", tenantID)
	}
	for _, b := range o.Brands {
		if len(b.Branches) == 0 || len(b.Channels) == 0 || len(b.Bookers) == 0 || len(b.Store) == 0 {
			return nil, fmt.Errorf("brand %q of studio %d is incomplete", b.Name, tenantID)
		}
	}
	return o, nil
}
