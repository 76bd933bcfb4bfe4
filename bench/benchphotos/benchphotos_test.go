package benchphotos

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// A copy is another file (other bytes, so another content hash) of the same picture.
func TestCopyIsAnotherFileOfTheSamePicture(t *testing.T) {
	src := mediatest.JPEG(mediatest.Upright(64, 48), 6)
	cp := withComment(src, "benchphotos copy 7 of IMG_0001.jpg")
	if bytes.Equal(src, cp) || !bytes.Contains(cp, []byte("copy 7")) {
		t.Fatal("the copy is the same file")
	}
	a, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(cp))
	if err != nil {
		t.Fatalf("the copy does not decode: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatalf("%v vs %v", a.Bounds(), b.Bounds())
	}
	// The orientation is still read: the renderer turns the copy upright like the original.
	img, _, err := media.Std{}.Render(context.Background(), bytes.NewReader(cp), []media.Spec{media.Thumb})
	if err != nil || img.Orientation != 6 {
		t.Fatalf("copy's orientation %d (%v)", img.Orientation, err)
	}
}
