package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/credit"
	notice "github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
)

// JobRetention is the periodic per-studio job of album lifecycles (docs/albums.md,
// "Retention"): warnings 7/3/1 days before an album's retention ends, hiding it at the end,
// purging its files after the grace period, and the monthly storage charge.
const JobRetention = "album.retention"

// RetentionConfig tunes the retention job (defaults in parentheses).
type RetentionConfig struct {
	Every time.Duration // how often each studio is checked (1 hour)
	Grace time.Duration // hidden albums keep their files this long before the purge (30 days)
}

func (c RetentionConfig) withDefaults() RetentionConfig {
	if c.Every <= 0 {
		c.Every = time.Hour
	}
	if c.Grace <= 0 {
		c.Grace = 30 * 24 * time.Hour
	}
	return c
}

// warnDays are the warnings before an album's retention ends, nearest first.
var warnDays = []int{1, 3, 7}

// monthLen is what one bought month of retention adds.
const monthLen = 30 * 24 * time.Hour

// Studio inbox kinds of the retention job.
const (
	kindAlbumExpiring = "album_expiring"
	kindAlbumHidden   = "album_hidden"
	kindStorageUnpaid = "storage_unpaid"
	kindNotifyFailed  = "notify_failed"
)

// retentionJob runs one studio's album lifecycles and its storage charge.
func (s *Server) retentionJob(ctx context.Context, tenantID int64, now time.Time) error {
	cfg := s.cfg.Retention.withDefaults()
	var due []album.Album
	err := s.cfg.Store.View(ctx, tenantID, func(tx store.Tx) (err error) {
		due, err = tx.RetentionDue(ctx, now.Add(time.Duration(warnDays[len(warnDays)-1])*24*time.Hour), 1000)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range due {
		var err error
		switch {
		case !now.Before(a.RetainUntil.Add(cfg.Grace)):
			err = s.purgeAlbum(ctx, tenantID, a, now)
		case !now.Before(a.RetainUntil):
			if a.HiddenAt == nil {
				err = s.hideAlbum(ctx, tenantID, a, now)
			}
		default:
			err = s.warnAlbum(ctx, tenantID, a, now)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("album %d: %w", a.ID, err))
		}
	}
	if err := s.chargeStorage(ctx, tenantID, now); err != nil {
		errs = append(errs, fmt.Errorf("storage charge: %w", err))
	}
	return errors.Join(errs...)
}

// albumStaff are who hear about an album in their inbox: the order's owner and the album's
// creator.
func albumStaff(ctx context.Context, tx store.Tx, a album.Album) ([]int64, error) {
	o, err := tx.GetOrder(ctx, a.OrderID)
	if err != nil {
		return nil, err
	}
	if a.CreatedBy == o.OwnerID || a.CreatedBy == 0 {
		return []int64{o.OwnerID}, nil
	}
	return []int64{o.OwnerID, a.CreatedBy}, nil
}

func inboxAlbum(ctx context.Context, tx store.Tx, a album.Album, kind, key string, data map[string]any, now time.Time) error {
	staff, err := albumStaff(ctx, tx, a)
	if err != nil {
		return err
	}
	data["album_id"], data["title"], data["order_id"], data["retain_until"] = a.ID, a.Title, a.OrderID, a.RetainUntil
	for _, id := range staff {
		if _, err := tx.Notify(ctx, store.Notification{StaffID: id, Kind: kind, CreatedAt: now, Data: rawJSON(data),
			DedupeKey: fmt.Sprintf("%s:%d:%d:%s", kind, a.ID, id, key)}); err != nil {
			return err
		}
	}
	return nil
}

// warnAlbum sends the warning of the nearest threshold the album has reached (7, 3 or 1
// days left) to the studio's inbox and the customer, once per threshold and retention end
// (an extension starts the warnings over).
func (s *Server) warnAlbum(ctx context.Context, tenantID int64, a album.Album, now time.Time) error {
	left := int(math.Ceil(a.RetainUntil.Sub(now).Hours() / 24))
	days := 0
	for _, d := range warnDays {
		if left <= d {
			days = d
			break
		}
	}
	if days == 0 {
		return nil
	}
	key := fmt.Sprintf("%d:%d", days, a.RetainUntil.UnixMilli())
	date := a.RetainUntil.In(shanghai).Format(time.DateOnly)
	return s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) error {
		if err := inboxAlbum(ctx, tx, a, kindAlbumExpiring, key, map[string]any{"days": days}, now); err != nil {
			return err
		}
		_, err := s.queueNotice(ctx, tx, a, notice.KindRetentionWarning, fmt.Sprintf("retention:%d:%s", a.ID, key), map[string]string{"date": date}, now)
		return err
	})
}

// hideAlbum marks an album whose retention ended: its links already answer 410 (the link
// state follows the retention end); the studio hears it can still extend it.
func (s *Server) hideAlbum(ctx context.Context, tenantID int64, a album.Album, now time.Time) error {
	purge := a.RetainUntil.Add(s.cfg.Retention.withDefaults().Grace)
	return s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) error {
		if err := tx.SetAlbumLifecycle(ctx, a.ID, &now, nil); err != nil {
			return err
		}
		return inboxAlbum(ctx, tx, a, kindAlbumHidden, strconv.FormatInt(a.RetainUntil.UnixMilli(), 10),
			map[string]any{"purge_at": purge}, now)
	})
}

// purgeAlbum deletes an album's files (originals no other live album holds, renditions) and
// marks it purged. Deleting comes first: a failure leaves the album unmarked and the next run
// tries again (deleting what is gone already is no error).
func (s *Server) purgeAlbum(ctx context.Context, tenantID int64, a album.Album, now time.Time) error {
	var photos []album.Photo
	var keep map[string]bool
	err := s.cfg.Store.View(ctx, tenantID, func(tx store.Tx) error {
		var err error
		if photos, err = tx.ListPhotos(ctx, a.ID); err != nil {
			return err
		}
		keep = map[string]bool{}
		for _, p := range photos {
			used, err := tx.HashInUse(ctx, p.Hash, a.ID)
			if err != nil {
				return err
			}
			keep[p.Hash] = used
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.cfg.Blobs != nil {
		b := s.tenantBucket(tenantID)
		for _, p := range photos {
			if keep[p.Hash] {
				continue
			}
			if err := deletePhotoObjects(ctx, b, p); err != nil {
				return err
			}
		}
	}
	hidden := a.HiddenAt
	if hidden == nil {
		hidden = &now
	}
	return s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) error {
		if err := tx.SetAlbumLifecycle(ctx, a.ID, hidden, &now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorName: "系统", Action: "album.purge", Entity: "album", EntityID: strconv.FormatInt(a.ID, 10),
			After: rawJSON(map[string]any{"photos": len(photos), "bytes": a.Bytes, "retain_until": a.RetainUntil}), CreatedAt: now})
	})
}

// storageMonth is the month a storage charge covers, in the studio's time.
func storageMonth(now time.Time) string { return now.In(shanghai).Format("2006-01") }

// chargeStorage charges the month's storage once, from the credits: every started GB of the
// albums not purged, at storage.gb_month. When the credits do not cover it nothing is
// charged (the balance never goes negative), the month is recorded unpaid, the studio's
// admins hear it, new albums and uploads are refused until it is paid, and every run tries
// again. Guests keep seeing their albums meanwhile: the customer is not the one who owes.
func (s *Server) chargeStorage(ctx context.Context, tenantID int64, now time.Time) error {
	month := storageMonth(now)
	return s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) error {
		c, err := tx.StorageCharge(ctx, month)
		if err == nil && c.Status == "paid" {
			return s.settleUnpaid(ctx, tx, now)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		bytes, err := tx.StorageBytes(ctx)
		if err != nil {
			return err
		}
		gb := (bytes + 1<<30 - 1) >> 30
		prices, err := tx.CreditPrices(ctx)
		if err != nil {
			return err
		}
		cost := prices.Cost(credit.ItemStorageGBMonth, gb)
		charge := store.StorageCharge{Month: month, GB: gb, Credits: cost, Status: "paid", UpdatedAt: now}
		if err := s.spendStorage(ctx, tx, charge, now); err != nil {
			var short *credit.ShortError
			if !errors.As(err, &short) {
				return err
			}
			charge.Status = "unpaid"
			if err := s.storageUnpaidNotice(ctx, tx, charge, short, now); err != nil {
				return err
			}
		}
		if err := tx.SetStorageCharge(ctx, charge); err != nil {
			return err
		}
		return s.settleUnpaid(ctx, tx, now)
	})
}

// spendStorage charges one month (idempotency key storage:<month>, so a repeat charges nothing).
func (s *Server) spendStorage(ctx context.Context, tx store.Tx, c store.StorageCharge, now time.Time) error {
	if c.Credits == 0 {
		return nil
	}
	err := tx.Savepoint(ctx, func() error {
		_, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemStorageGBMonth, Quantity: c.GB, Amount: c.Credits, RefType: "storage",
			IdemKey: "storage:" + c.Month, Note: c.Month, CreatedAt: now})
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil // already charged
	}
	return err
}

// settleUnpaid retries earlier months that were left unpaid (the studio may have topped up).
func (s *Server) settleUnpaid(ctx context.Context, tx store.Tx, now time.Time) error {
	unpaid, err := tx.UnpaidStorage(ctx)
	if err != nil {
		return err
	}
	for _, c := range unpaid {
		if err := s.spendStorage(ctx, tx, c, now); err != nil {
			var short *credit.ShortError
			if errors.As(err, &short) {
				return nil
			}
			return err
		}
		c.Status, c.UpdatedAt = "paid", now
		if err := tx.SetStorageCharge(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) storageUnpaidNotice(ctx context.Context, tx store.Tx, c store.StorageCharge, short *credit.ShortError, now time.Time) error {
	admins, err := tx.ActiveAdmins(ctx)
	if err != nil {
		return err
	}
	for _, id := range admins {
		if _, err := tx.Notify(ctx, store.Notification{StaffID: id, Kind: kindStorageUnpaid, CreatedAt: now,
			DedupeKey: fmt.Sprintf("%s:%s:%d", kindStorageUnpaid, c.Month, id),
			Data:      rawJSON(map[string]any{"month": c.Month, "gb": c.GB, "need": short.Need, "have": short.Have})}); err != nil {
			return err
		}
	}
	return nil
}

// checkStorageUnpaid refuses new albums and uploads while a month of storage is unpaid.
func (c *call) checkStorageUnpaid(tx store.Tx) error {
	unpaid, err := tx.UnpaidStorage(c.ctx)
	if err != nil || len(unpaid) == 0 {
		return err
	}
	u := unpaid[0]
	have, err := tx.CreditBalance(c.ctx)
	if err != nil {
		return err
	}
	return apiErr(http.StatusPaymentRequired, "storage_unpaid", "", map[string]any{"month": u.Month, "need": u.Credits, "have": have})
}

// ExtendAlbum is the body of POST /api/v1/albums/{id}/extend.
type ExtendAlbum struct {
	Months int `json:"months"`
}

// extendAlbum buys more retention: months × retention.month credits, from the later of now
// and the current end (a hidden album comes back; a purged one cannot).
func (s *Server) extendAlbum(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "album.extend", "album", id)
	}
	var in ExtendAlbum
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Months < 1 || in.Months > 36 {
		return nil, apiErr(http.StatusBadRequest, "months_invalid", "months", map[string]any{"min": 1, "max": 36})
	}
	var out album.Album
	err = c.write(func(tx store.Tx) error {
		before, err := c.visibleAlbum(tx, id)
		if err != nil {
			return err
		}
		base := before.RetainUntil
		if base.Before(c.now) {
			base = c.now
		}
		a := before
		a.Settings.RetentionDays = int(math.Ceil(base.Add(time.Duration(in.Months)*monthLen).Sub(a.CreatedAt).Hours() / 24))
		if a.Settings.RetentionDays > album.MaxRetentionDays {
			return apiErr(http.StatusBadRequest, album.CodeRetentionInvalid, "months", map[string]any{"min": album.MinRetentionDays, "max": album.MaxRetentionDays})
		}
		a.RetainUntil = album.RetainUntil(a.CreatedAt, a.Settings.RetentionDays)
		out, err = s.saveRetention(c, tx, before, a, int64(in.Months))
		return err
	})
	return out, c.albumDenied(err, "album.extend", "album", id)
}

// saveRetention stores an album whose retention end moved, charging months of
// retention.month when it moved later, and shows a hidden album again. Purged albums have
// nothing left to keep (410 album_purged).
func (s *Server) saveRetention(c *call, tx store.Tx, before, a album.Album, months int64) (album.Album, error) {
	if a.RetainUntil.After(before.RetainUntil) {
		if before.PurgedAt != nil {
			return before, apiErr(http.StatusGone, "album_purged", "", map[string]any{"date": before.PurgedAt.In(shanghai).Format(time.DateOnly)})
		}
		if months == 0 {
			months = int64(math.Ceil(float64(a.RetainUntil.Sub(before.RetainUntil)) / float64(monthLen)))
		}
		if _, err := c.charge(tx, credit.ItemRetentionMonth, months, "album", a.ID); err != nil {
			return before, err
		}
	}
	a.UpdatedAt = c.now
	out, err := tx.UpdateAlbum(c.ctx, a)
	if err != nil {
		return out, err
	}
	if err := tx.FollowRetention(c.ctx, a.ID, before.RetainUntil, out.RetainUntil); err != nil {
		return out, err
	}
	if out.HiddenAt != nil && out.PurgedAt == nil && c.now.Before(out.RetainUntil) {
		if err := tx.SetAlbumLifecycle(c.ctx, out.ID, nil, nil); err != nil {
			return out, err
		}
		out.HiddenAt = nil
	}
	if out.RetainUntil.Equal(before.RetainUntil) {
		return out, nil
	}
	return out, c.audit(tx, "album.retention", "album", a.ID, map[string]any{"retain_until": before.RetainUntil},
		map[string]any{"retain_until": out.RetainUntil, "months": months})
}
