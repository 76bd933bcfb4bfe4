package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// demoPhone is the demo studio admin's login.
const demoPhone = "13800000000"

// ensureDemo creates a demo studio when the database has none, with a brand, branch,
// departments and channels so the UI has something to show, and writes the admin login to
// <data>/demo-login.json. On later starts it only refreshes the server address in that file.
func ensureDemo(ctx context.Context, st store.Store, dataDir, serverURL string, stdout io.Writer) error {
	path := filepath.Join(dataDir, "demo-login.json")
	tenants, err := st.ListTenants(ctx)
	if err != nil {
		return err
	}
	if len(tenants) > 0 {
		var dl DemoLogin
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil // a real installation: no demo
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &dl); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		dl.ServerURL = serverURL
		fmt.Fprintf(stdout, "Demo studio: log in with phone %s, password %s\n", dl.Phone, dl.Password)
		return writeJSONFile(path, dl)
	}
	now := time.Now()
	p, err := api.CreateTenant(ctx, st, auth.Default, api.NewTenant{Name: "示例影楼", AdminPhone: demoPhone, AdminName: "演示管理员"}, now)
	if err != nil {
		return err
	}
	err = st.Update(ctx, p.Tenant.ID, func(tx store.Tx) error {
		brand, err := tx.InsertBrand(ctx, account.Brand{Name: "示例婚纱摄影", Type: account.BrandWedding, DuplicatePolicy: account.DupRepeat,
			Timezone: account.DefaultTimezone, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		if _, err := tx.InsertBrand(ctx, account.Brand{Name: "示例儿童摄影", Type: account.BrandChildren, DuplicatePolicy: account.DupReject,
			Timezone: account.DefaultTimezone, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		branch, err := tx.InsertBranch(ctx, account.Branch{BrandID: brand.ID, Name: "旗舰店", Address: "上海市静安区南京西路 1 号", CreatedAt: now})
		if err != nil {
			return err
		}
		for _, d := range []account.Department{{Name: "客服部", Kind: account.DeptIntake}, {Name: "邀约部", Kind: account.DeptBooking},
			{Name: "门店部", Kind: account.DeptStore}, {Name: "摄影部", Kind: account.DeptPhoto}} {
			d.BranchID = branch.ID
			if _, err := tx.InsertDepartment(ctx, d); err != nil {
				return err
			}
		}
		group, err := tx.InsertChannelGroup(ctx, account.ChannelGroup{Name: "线上投放"})
		if err != nil {
			return err
		}
		for _, name := range []string{"抖音", "小红书", "美团"} {
			if _, err := tx.InsertChannel(ctx, account.Channel{BrandID: brand.ID, GroupID: group.ID, Name: name, Active: true}); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorName: "demo", Action: "demo.seed", Entity: "brand",
			EntityID: fmt.Sprint(brand.ID), CreatedAt: now})
	})
	if err != nil {
		return fmt.Errorf("seed demo studio: %w", err)
	}
	fmt.Fprintf(stdout, "Created demo studio %q: log in with phone %s, password %s\n", p.Tenant.Name, demoPhone, p.Password)
	return writeJSONFile(path, DemoLogin{ServerURL: serverURL, Phone: demoPhone, Password: p.Password})
}
