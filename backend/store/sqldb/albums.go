package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

const orderCols = `id, brand_id, branch_id, owner_id, department_id, customer_name, phone, email, package, shoot_date, lead_id, code, note,
	created_by, created_at, updated_at`

func orderRow(r *sql.Rows) (album.Order, error) {
	var o album.Order
	var dept, leadID sql.NullInt64
	var created, updated int64
	err := r.Scan(&o.ID, &o.BrandID, &o.BranchID, &o.OwnerID, &dept, &o.CustomerName, &o.Phone, &o.Email, &o.Package, &o.ShootDate,
		&leadID, &o.Code, &o.Note, &o.CreatedBy, &created, &updated)
	o.DepartmentID, o.LeadID = dept.Int64, leadID.Int64
	o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
	return o, err
}

// queryOne runs a query expected to return at most one row and scans it; none is ErrNotFound.
func queryOne[T any](ctx context.Context, t *tx, what string, scan func(*sql.Rows) (T, error), q string, args ...any) (T, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		var zero T
		return zero, wrap(what, err)
	}
	v, err := one(collect(rows, scan))
	return v, wrap(what, err)
}

func (t *tx) InsertOrder(ctx context.Context, o album.Order) (album.Order, error) {
	err := t.row(ctx, `INSERT INTO orders (tenant_id, brand_id, branch_id, owner_id, department_id, customer_name, phone, email, package,
		shoot_date, lead_id, code, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, o.BrandID, o.BranchID, o.OwnerID, nullID(o.DepartmentID), o.CustomerName, o.Phone, o.Email, o.Package, o.ShootDate,
			nullID(o.LeadID), o.Code, o.Note, o.CreatedBy, ms(o.CreatedAt), ms(o.UpdatedAt)}, &o.ID)
	return o, wrap("insert order", err)
}

func (t *tx) GetOrder(ctx context.Context, id int64) (album.Order, error) {
	return queryOne(ctx, t, fmt.Sprintf("get order %d", id), orderRow,
		`SELECT `+orderCols+` FROM orders WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) OrderByCode(ctx context.Context, code string) (album.Order, error) {
	return queryOne(ctx, t, "order by code", orderRow, `SELECT `+orderCols+` FROM orders WHERE tenant_id = ? AND code = ?`, t.tenant, code)
}

func (t *tx) UpdateOrder(ctx context.Context, o album.Order) (album.Order, error) {
	res, err := t.exec(ctx, `UPDATE orders SET brand_id = ?, branch_id = ?, owner_id = ?, department_id = ?, customer_name = ?, phone = ?, email = ?,
		package = ?, shoot_date = ?, lead_id = ?, note = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		o.BrandID, o.BranchID, o.OwnerID, nullID(o.DepartmentID), o.CustomerName, o.Phone, o.Email, o.Package, o.ShootDate, nullID(o.LeadID),
		o.Note, ms(o.UpdatedAt), t.tenant, o.ID)
	if err := mustAffect(res, err); err != nil {
		return o, wrap(fmt.Sprintf("update order %d", o.ID), err)
	}
	return t.GetOrder(ctx, o.ID)
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

func (t *tx) ListOrders(ctx context.Context, f store.OrderFilter) ([]album.Order, error) {
	q := `SELECT ` + orderCols + ` FROM orders WHERE tenant_id = ?`
	args := []any{t.tenant}
	sc := f.Scope
	switch {
	case sc.All:
	case sc.BrandID != 0:
		q += ` AND (brand_id = ? OR owner_id = ?)`
		args = append(args, sc.BrandID, sc.StaffID)
	case sc.BranchID != 0:
		q += ` AND (branch_id = ? OR owner_id = ?)`
		args = append(args, sc.BranchID, sc.StaffID)
	case sc.DepartmentID != 0:
		q += ` AND (department_id = ? OR owner_id = ?)`
		args = append(args, sc.DepartmentID, sc.StaffID)
	default:
		q += ` AND owner_id = ?`
		args = append(args, sc.StaffID)
	}
	if f.BranchID != 0 {
		q += ` AND branch_id = ?`
		args = append(args, f.BranchID)
	}
	if text := strings.TrimSpace(f.Text); text != "" {
		if allDigits(text) && len(text) >= 4 {
			q += ` AND (phone LIKE ? OR phone LIKE ?)`
			args = append(args, text+"%", "%"+text)
		} else {
			like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(text) + "%"
			q += ` AND (customer_name LIKE ? ESCAPE '\' OR code = ?)`
			args = append(args, like, strings.ToUpper(text))
		}
	}
	if f.BeforeID > 0 {
		q += ` AND id < ?`
		args = append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := t.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, wrap("list orders", err)
	}
	return collect(rows, orderRow)
}

const albumCols = `id, order_id, kind, title, cover_photo_id, sort_order, settings, status, retain_until, photo_count, bytes,
	created_by, created_at, updated_at, hidden_at, purged_at, live`

func albumRow(r *sql.Rows) (album.Album, error) {
	var a album.Album
	var kind, status, settings string
	var retain, created, updated int64
	var hidden, purged sql.NullInt64
	var live int
	err := r.Scan(&a.ID, &a.OrderID, &kind, &a.Title, &a.CoverPhotoID, &a.SortOrder, &settings, &status, &retain,
		&a.PhotoCount, &a.Bytes, &a.CreatedBy, &created, &updated, &hidden, &purged, &live)
	if err != nil {
		return a, err
	}
	a.HiddenAt, a.PurgedAt, a.Live = timePtr(hidden), timePtr(purged), live != 0
	a.Kind, a.Status = album.Kind(kind), album.Status(status)
	a.RetainUntil, a.CreatedAt, a.UpdatedAt = fromMS(retain), fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
		return a, fmt.Errorf("album %d settings: %w", a.ID, err)
	}
	return a, nil
}

func (t *tx) InsertAlbum(ctx context.Context, a album.Album) (album.Album, error) {
	settings, err := json.Marshal(a.Settings)
	if err != nil {
		return a, err
	}
	err = t.row(ctx, `INSERT INTO albums (tenant_id, order_id, kind, title, cover_photo_id, sort_order, settings, status, retain_until,
		created_by, created_at, updated_at, live) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, a.OrderID, string(a.Kind), a.Title, a.CoverPhotoID, a.SortOrder, string(settings), string(a.Status),
			ms(a.RetainUntil), a.CreatedBy, ms(a.CreatedAt), ms(a.UpdatedAt), boolInt(a.Live)}, &a.ID)
	return a, wrap("insert album", err)
}

func (t *tx) GetAlbum(ctx context.Context, id int64) (album.Album, error) {
	return queryOne(ctx, t, fmt.Sprintf("get album %d", id), albumRow,
		`SELECT `+albumCols+` FROM albums WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) UpdateAlbum(ctx context.Context, a album.Album) (album.Album, error) {
	settings, err := json.Marshal(a.Settings)
	if err != nil {
		return a, err
	}
	res, err := t.exec(ctx, `UPDATE albums SET title = ?, cover_photo_id = ?, sort_order = ?, settings = ?, status = ?, retain_until = ?,
		updated_at = ?, live = ? WHERE tenant_id = ? AND id = ?`,
		a.Title, a.CoverPhotoID, a.SortOrder, string(settings), string(a.Status), ms(a.RetainUntil), ms(a.UpdatedAt), boolInt(a.Live), t.tenant, a.ID)
	if err := mustAffect(res, err); err != nil {
		return a, wrap(fmt.Sprintf("update album %d", a.ID), err)
	}
	return t.GetAlbum(ctx, a.ID)
}

func (t *tx) ListAlbums(ctx context.Context, orderID int64) ([]album.Album, error) {
	rows, err := t.query(ctx, `SELECT `+albumCols+` FROM albums WHERE tenant_id = ? AND order_id = ? ORDER BY sort_order, id`, t.tenant, orderID)
	if err != nil {
		return nil, wrap("list albums", err)
	}
	return collect(rows, albumRow)
}

const photoCols = `id, album_id, hash, size, filename, content_type, kind, width, height, status, fail_reason, created_by, created_at, updated_at,
	crc, crc_noexif, crc_nogps, preview_size, preview_crc, rendition_mark, original_pending`

func photoRow(r *sql.Rows) (album.Photo, error) {
	var p album.Photo
	var status string
	var created, updated, pending int64
	err := r.Scan(&p.ID, &p.AlbumID, &p.Hash, &p.Size, &p.Filename, &p.ContentType, &p.Kind, &p.Width, &p.Height, &status,
		&p.FailReason, &p.CreatedBy, &created, &updated, &p.CRC, &p.CRCNoEXIF, &p.CRCNoGPS, &p.PreviewSize, &p.PreviewCRC, &p.RenditionMark, &pending)
	p.Status, p.CreatedAt, p.UpdatedAt, p.OriginalPending = album.PhotoStatus(status), fromMS(created), fromMS(updated), pending != 0
	return p, err
}

func (t *tx) InsertPhoto(ctx context.Context, p album.Photo) (album.Photo, error) {
	err := t.row(ctx, `INSERT INTO photos (tenant_id, album_id, hash, size, filename, content_type, kind, width, height, status,
		fail_reason, created_by, created_at, updated_at, crc, crc_noexif, crc_nogps, original_pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, p.AlbumID, p.Hash, p.Size, p.Filename, p.ContentType, p.Kind, p.Width, p.Height, string(p.Status),
			p.FailReason, p.CreatedBy, ms(p.CreatedAt), ms(p.UpdatedAt), p.CRC, p.CRCNoEXIF, p.CRCNoGPS, boolInt(p.OriginalPending)}, &p.ID)
	if err != nil {
		return p, wrap("insert photo", err)
	}
	res, err := t.exec(ctx, `UPDATE albums SET photo_count = photo_count + 1, bytes = bytes + ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`, p.Size, ms(p.CreatedAt), t.tenant, p.AlbumID)
	return p, wrap("count photo", mustAffect(res, err))
}

func (t *tx) GetPhoto(ctx context.Context, id int64) (album.Photo, error) {
	return queryOne(ctx, t, fmt.Sprintf("get photo %d", id), photoRow,
		`SELECT `+photoCols+` FROM photos WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) PhotoHashes(ctx context.Context, albumID int64, hashes []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(hashes); start += 500 {
		chunk := hashes[start:min(len(hashes), start+500)]
		args := []any{t.tenant, albumID}
		for _, h := range chunk {
			args = append(args, h)
		}
		rows, err := t.query(ctx, `SELECT hash, id FROM photos WHERE tenant_id = ? AND album_id = ? AND hash IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, wrap("photo hashes", err)
		}
		pairs, err := collect(rows, func(r *sql.Rows) ([2]any, error) {
			var h string
			var id int64
			err := r.Scan(&h, &id)
			return [2]any{h, id}, err
		})
		if err != nil {
			return nil, wrap("photo hashes", err)
		}
		for _, p := range pairs {
			out[p[0].(string)] = p[1].(int64)
		}
	}
	return out, nil
}

func (t *tx) ListPhotos(ctx context.Context, albumID int64) ([]album.Photo, error) {
	rows, err := t.query(ctx, `SELECT `+photoCols+` FROM photos WHERE tenant_id = ? AND album_id = ? ORDER BY filename, id`, t.tenant, albumID)
	if err != nil {
		return nil, wrap("list photos", err)
	}
	return collect(rows, photoRow)
}

func (t *tx) SetPhotoResult(ctx context.Context, id int64, r album.RenderResult, now time.Time) (album.Photo, error) {
	res, err := t.exec(ctx, `UPDATE photos SET status = ?, width = ?, height = ?, fail_reason = ?, preview_size = ?, preview_crc = ?, rendition_mark = ?,
		updated_at = ? WHERE tenant_id = ? AND id = ?`,
		string(r.Status), r.Width, r.Height, r.Reason, r.PreviewSize, r.PreviewCRC, r.Mark, ms(now), t.tenant, id)
	if err := mustAffect(res, err); err != nil {
		return album.Photo{}, wrap(fmt.Sprintf("set photo %d result", id), err)
	}
	return t.GetPhoto(ctx, id)
}

func (t *tx) CompletePhotoOriginal(ctx context.Context, id int64, o album.OriginalSums, now time.Time) (album.Photo, error) {
	p, err := t.GetPhoto(ctx, id)
	if err != nil {
		return p, err
	}
	if !p.OriginalPending {
		return p, nil
	}
	res, err := t.exec(ctx, `UPDATE photos SET original_pending = 0, size = ?, content_type = ?, crc = ?, crc_noexif = ?, crc_nogps = ?,
		updated_at = ? WHERE tenant_id = ? AND id = ? AND original_pending = 1`,
		o.Size, o.ContentType, o.CRC, o.CRCNoEXIF, o.CRCNoGPS, ms(now), t.tenant, id)
	if err := mustAffect(res, err); err != nil {
		return p, wrap(fmt.Sprintf("complete photo %d", id), err)
	}
	if d := o.Size - p.Size; d != 0 { // the album counted the size the desktop declared
		res, err := t.exec(ctx, `UPDATE albums SET bytes = bytes + ? WHERE tenant_id = ? AND id = ?`, d, t.tenant, p.AlbumID)
		if err := mustAffect(res, err); err != nil {
			return p, wrap("count photo", err)
		}
	}
	return t.GetPhoto(ctx, id)
}

func (t *tx) DeletePhoto(ctx context.Context, id int64) (album.Photo, error) {
	p, err := t.GetPhoto(ctx, id)
	if err != nil {
		return p, err
	}
	if _, err := t.exec(ctx, `DELETE FROM photo_downloads WHERE tenant_id = ? AND photo_id = ?`, t.tenant, id); err != nil {
		return p, wrap("delete photo downloads", err)
	}
	res, err := t.exec(ctx, `DELETE FROM photos WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err := mustAffect(res, err); err != nil {
		return p, wrap(fmt.Sprintf("delete photo %d", id), err)
	}
	res, err = t.exec(ctx, `UPDATE albums SET photo_count = photo_count - 1, bytes = bytes - ?,
		cover_photo_id = CASE WHEN cover_photo_id = ? THEN 0 ELSE cover_photo_id END WHERE tenant_id = ? AND id = ?`,
		p.Size, id, t.tenant, p.AlbumID)
	return p, wrap("uncount photo", mustAffect(res, err))
}

func (t *tx) PendingOriginals(ctx context.Context, albumID int64) (map[string]int64, error) {
	rows, err := t.query(ctx, `SELECT hash, id FROM photos WHERE tenant_id = ? AND album_id = ? AND original_pending = 1`, t.tenant, albumID)
	if err != nil {
		return nil, wrap("pending originals", err)
	}
	out := map[string]int64{}
	pairs, err := collect(rows, func(r *sql.Rows) (struct {
		h  string
		id int64
	}, error) {
		var v struct {
			h  string
			id int64
		}
		err := r.Scan(&v.h, &v.id)
		return v, err
	})
	for _, p := range pairs {
		out[p.h] = p.id
	}
	return out, wrap("pending originals", err)
}

func (t *tx) ScheduleJob(ctx context.Context, kind, key string, payload []byte, runAt time.Time) error {
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	_, err := t.exec(ctx, `INSERT INTO jobs (kind, tenant_id, key, payload, run_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, tenant_id, key) DO NOTHING`, kind, t.tenant, key, string(payload), ms(runAt))
	return wrap("schedule job", err)
}
