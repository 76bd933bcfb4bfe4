package blob_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/blobtest"
	"github.com/studiodesk/studiodesk/backend/blob/memblob"
)

// A Prefixed view is itself a Bucket and must pass the whole suite.
func TestPrefixedConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Bucket {
		return blob.Prefixed(memblob.New(), "tenants/t1")
	})
}

// presigner is a memblob that also hands out URLs, to check the view
// forwards the capability with the full key.
type presigner struct {
	*memblob.Bucket
	keys []string
}

func (p *presigner) PresignGet(ctx context.Context, key string, ttl time.Duration, filename string) (string, error) {
	if err := blob.ValidateKey(key); err != nil {
		return "", err
	}
	p.keys = append(p.keys, key)
	return "https://blobs.example/" + key, nil
}

func TestPrefixedPresign(t *testing.T) {
	inner := &presigner{Bucket: memblob.New()}
	view := blob.Prefixed(inner, "tenants/7")
	ps, ok := view.(blob.Presigner)
	if !ok {
		t.Fatal("view of a Presigner is not a Presigner")
	}
	url, err := ps.PresignGet(t.Context(), "photos/a.jpg", time.Minute, "a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://blobs.example/tenants/7/photos/a.jpg"; url != want {
		t.Errorf("PresignGet = %q, want %q", url, want)
	}
	if _, err := ps.PresignGet(t.Context(), "../8/a.jpg", time.Minute, ""); !errors.Is(err, blob.ErrInvalidKey) {
		t.Errorf("PresignGet(../8/a.jpg) = %v, want ErrInvalidKey", err)
	}
	if len(inner.keys) != 1 {
		t.Errorf("inner presigner saw %q, want only the valid key", inner.keys)
	}
	if _, ok := blob.Prefixed(memblob.New(), "t").(blob.Presigner); ok {
		t.Error("view of a plain bucket claims to be a Presigner")
	}
}

func TestPrefixedErrorsNameTheKey(t *testing.T) {
	view := blob.Prefixed(memblob.New(), "tenants/7")
	_, err := view.Stat(t.Context(), "missing.jpg")
	if !errors.Is(err, blob.ErrNotFound) || !strings.Contains(err.Error(), "missing.jpg") {
		t.Errorf("Stat = %v, want ErrNotFound naming the key", err)
	}
}
