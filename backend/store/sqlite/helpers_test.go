package sqlite_test

import (
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

func storetestTenant() account.Tenant {
	return account.Tenant{Name: "重开", CreatedAt: time.Now()}
}
