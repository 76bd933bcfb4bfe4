package memblob_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/blobtest"
	"github.com/studiodesk/studiodesk/backend/blob/memblob"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Bucket { return memblob.New() })
}

// A fake that let a read after Close succeed would hide the caller's bug.
func TestReadAfterClose(t *testing.T) {
	b := memblob.New()
	if _, err := b.Put(t.Context(), "k", strings.NewReader("data"), 4, ""); err != nil {
		t.Fatal(err)
	}
	rc, _, err := b.Get(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, err := io.ReadAll(rc); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("read after Close = %v, want an error", err)
	}
}
