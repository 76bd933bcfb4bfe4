package blobtest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// testPrefixed proves tenant isolation on top of the driver: a tenant's view
// reads, lists and deletes only its own keys, and no key it can be given
// reaches another tenant's.
func testPrefixed(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	// Neighbours chosen to catch a wrapper that forgets the "/": tenant 1
	// must not see tenants/10, tenants/1x or tenants/1y (keys are file-like:
	// none is also the directory of another, see blob.Bucket).
	seed := func(t *testing.T) blob.Bucket {
		b := newBucket(t)
		for _, key := range []string{
			"tenants/1/a", "tenants/1/sub/b", "tenants/10/a", "tenants/1y/a", "tenants/1x",
			"tenants/2/a", "tenants/2/secret", "other",
		} {
			mustPut(t, b, key, []byte(key), "")
		}
		return b
	}
	all := func(t *testing.T, b blob.Bucket) []string { return listKeys(t, b, "") }

	t.Run("reads and lists only its own keys", func(t *testing.T) {
		t.Parallel()
		b := seed(t)
		for _, prefix := range []string{"tenants/1", "tenants/1/"} {
			t1 := blob.Prefixed(b, prefix)
			wantKeys(t, t1, "", "a", "sub/b")
			wantKeys(t, t1, "s", "sub/b")
			got, info := mustGet(t, t1, "a")
			if string(got) != "tenants/1/a" || info.Key != "a" {
				t.Errorf("Get(a) = %q with Key %q, want tenants/1/a with Key a", got, info.Key)
			}
			if info := mustStat(t, t1, "sub/b"); info.Key != "sub/b" {
				t.Errorf("Stat(sub/b).Key = %q", info.Key)
			}
			rc, err := t1.GetRange(t.Context(), "a", 8, -1)
			if err != nil {
				t.Fatal(err)
			}
			if got := mustReadAll(t, rc); string(got) != "1/a" {
				t.Errorf("GetRange = %q, want 1/a", got)
			}
			wantGone(t, t1, "secret")
		}
	})

	t.Run("writes and deletes under its prefix", func(t *testing.T) {
		t.Parallel()
		b := seed(t)
		t2 := blob.Prefixed(b, "tenants/2")
		info := mustPut(t, t2, "new", []byte("n"), "text/plain")
		if info.Key != "new" {
			t.Errorf("Put.Key = %q, want new", info.Key)
		}
		wantContent(t, b, "tenants/2/new", []byte("n"))
		if err := t2.Delete(t.Context(), "a"); err != nil {
			t.Fatal(err)
		}
		wantGone(t, b, "tenants/2/a")
		for _, key := range []string{"tenants/1/a", "tenants/10/a", "other"} {
			wantContent(t, b, key, []byte(key))
		}
	})

	t.Run("cannot escape", func(t *testing.T) {
		t.Parallel()
		b := seed(t)
		before := all(t, b)
		t1 := blob.Prefixed(b, "tenants/1")
		escapes := []string{
			"../2/secret", "../10/a", "..", "../1x", "sub/../../2/secret", "/tenants/2/secret",
			`..\2\secret`, "./a", "", "a/",
		}
		for _, key := range escapes {
			ctx := t.Context()
			_, putErr := t1.Put(ctx, key, strings.NewReader("pwned"), 5, "")
			_, statErr := t1.Stat(ctx, key)
			_, _, getErr := t1.Get(ctx, key)
			_, rangeErr := t1.GetRange(ctx, key, 0, -1)
			delErr := t1.Delete(ctx, key)
			for op, err := range map[string]error{"Put": putErr, "Stat": statErr, "Get": getErr, "GetRange": rangeErr, "Delete": delErr} {
				if !errors.Is(err, blob.ErrInvalidKey) {
					t.Errorf("%s(%q) = %v, want ErrInvalidKey", op, key, err)
				}
			}
		}
		for _, prefix := range []string{"../", "../2", "..", "/", "../2/secret"} {
			wantKeys(t, t1, prefix)
		}
		after := all(t, b)
		if strings.Join(before, "\n") != strings.Join(after, "\n") {
			t.Errorf("underlying keys changed from %q to %q", before, after)
		}
		wantContent(t, b, "tenants/2/secret", []byte("tenants/2/secret"))
	})

	t.Run("nested", func(t *testing.T) {
		t.Parallel()
		b := seed(t)
		t2 := blob.Prefixed(blob.Prefixed(b, "tenants"), "2")
		wantKeys(t, t2, "", "a", "secret")
		mustPut(t, t2, "x/y", []byte("z"), "")
		wantContent(t, b, "tenants/2/x/y", []byte("z"))
	})

	t.Run("invalid prefix fails every call", func(t *testing.T) {
		t.Parallel()
		b := seed(t)
		before := all(t, b)
		for _, prefix := range []string{"", "/", "..", "../tenants/2", "tenants//2", "/tenants/2"} {
			p := blob.Prefixed(b, prefix)
			ctx := t.Context()
			_, putErr := p.Put(ctx, "a", strings.NewReader("x"), 1, "")
			_, statErr := p.Stat(ctx, "secret")
			_, _, getErr := p.Get(ctx, "secret")
			_, rangeErr := p.GetRange(ctx, "secret", 0, -1)
			delErr := p.Delete(ctx, "secret")
			listErr := p.List(ctx, "", func(blob.Info) error { return nil })
			for op, err := range map[string]error{"Put": putErr, "Stat": statErr, "Get": getErr, "GetRange": rangeErr, "Delete": delErr, "List": listErr} {
				if !errors.Is(err, blob.ErrInvalidKey) {
					t.Errorf("Prefixed(%q).%s = %v, want ErrInvalidKey", prefix, op, err)
				}
			}
		}
		if after := all(t, b); strings.Join(before, "\n") != strings.Join(after, "\n") {
			t.Errorf("underlying keys changed from %q to %q", before, after)
		}
	})

	t.Run("keeps Presigner capability", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		_, inner := b.(blob.Presigner)
		ps, outer := blob.Prefixed(b, "tenants/1").(blob.Presigner)
		if inner != outer {
			t.Fatalf("bucket is Presigner: %v, Prefixed view is: %v", inner, outer)
		}
		if outer {
			_, err := ps.PresignGet(t.Context(), "../2/secret", time.Minute, "")
			if !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("PresignGet(../2/secret) = %v, want ErrInvalidKey", err)
			}
		}
	})
}
