//go:build cgo && linux && !nolibjpeg

package media

// Turbo decodes JPEGs with libjpeg-turbo through cgo, asking it for the picture already
// shrunk in the DCT domain (scale M/8, the smallest that still covers the largest rendition),
// so a 24-megapixel frame is never decoded at full size. See docs/architecture.md ("Renditions")
// for why the server uses cgo here and what desktop builds do instead.

/*
#cgo LDFLAGS: -ljpeg
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
	int damaged; // a warning that means missing or damaged data
	unsigned char *cmyk; // row buffer for CMYK files; here so a longjmp finds it
} sd_err;

static void sd_error_exit(j_common_ptr c) {
	sd_err *e = (sd_err *)c->err;
	(*c->err->format_message)(c, e->msg);
	longjmp(e->jb, 1);
}

static void sd_emit(j_common_ptr c, int level) {
	sd_err *e = (sd_err *)c->err;
	if (level >= 0) return; // trace messages
	// Warnings: libjpeg fills what is missing with grey and carries on; a truncated or
	// damaged file must fail instead. Stray bytes before a marker are harmless (some
	// cameras write them).
	if (c->err->msg_code == JWRN_EXTRANEOUS_DATA) return;
	if (!e->damaged) {
		(*c->err->format_message)(c, e->msg);
		e->damaged = 1;
	}
}

static void sd_init_err(sd_err *e) {
	jpeg_std_error(&e->pub);
	e->pub.error_exit = sd_error_exit;
	e->pub.emit_message = sd_emit;
	e->msg[0] = 0;
	e->damaged = 0;
	e->cmyk = NULL;
}

// sd_decode reads the frame size (*w, *h) and the output size when decoded at num/8
// (*ow, *oh); with out set it also decodes into out (ow*oh*3 bytes of RGB, the output size
// given by a first call without out). CMYK/YCCK files (Adobe, stored inverted) are converted
// to RGB naively. Returns 0, -1 (error) or -2 (damaged), msg set.
static int sd_decode(const unsigned char *buf, unsigned long len, int num, unsigned char *out, int *w, int *h, int *ow, int *oh, char *msg) {
	struct jpeg_decompress_struct d;
	sd_err e;
	d.err = &e.pub;
	sd_init_err(&e);
	if (setjmp(e.jb)) {
		strncpy(msg, e.msg, JMSG_LENGTH_MAX - 1);
		free(e.cmyk);
		jpeg_destroy_decompress(&d);
		return -1;
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, buf, len);
	jpeg_read_header(&d, TRUE);
	d.scale_num = num;
	d.scale_denom = 8;
	int isCMYK = d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK;
	d.out_color_space = isCMYK ? JCS_CMYK : JCS_RGB;
	if (out == NULL) {
		jpeg_calc_output_dimensions(&d);
		*w = d.image_width;
		*h = d.image_height;
		*ow = d.output_width;
		*oh = d.output_height;
		jpeg_destroy_decompress(&d);
		return 0;
	}
	jpeg_start_decompress(&d);
	if ((int)d.output_width != *ow || (int)d.output_height != *oh) {
		snprintf(msg, JMSG_LENGTH_MAX, "output %ux%u, expected %dx%d", d.output_width, d.output_height, *ow, *oh);
		jpeg_destroy_decompress(&d);
		return -1;
	}
	int cols = *ow;
	if (isCMYK) e.cmyk = malloc((size_t)cols * 4);
	while (d.output_scanline < d.output_height) {
		unsigned char *row = out + (size_t)d.output_scanline * cols * 3;
		if (!isCMYK) {
			jpeg_read_scanlines(&d, &row, 1);
			continue;
		}
		unsigned char *cmyk = e.cmyk;
		jpeg_read_scanlines(&d, &cmyk, 1);
		for (int x = 0; x < cols; x++) {
			unsigned int k = cmyk[x*4+3];
			row[x*3] = cmyk[x*4] * k / 255;
			row[x*3+1] = cmyk[x*4+1] * k / 255;
			row[x*3+2] = cmyk[x*4+2] * k / 255;
		}
	}
	free(e.cmyk);
	e.cmyk = NULL;
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	if (e.damaged) {
		strncpy(msg, e.msg, JMSG_LENGTH_MAX - 1);
		return -2;
	}
	return 0;
}

// sd_encode compresses w*h RGB pixels at quality q (4:2:0, baseline). *out is malloc'd.
static int sd_encode(const unsigned char *pix, int w, int h, int q, unsigned char **out, unsigned long *outlen, char *msg) {
	struct jpeg_compress_struct c;
	sd_err e;
	c.err = &e.pub;
	sd_init_err(&e);
	*out = NULL;
	*outlen = 0;
	if (setjmp(e.jb)) {
		strncpy(msg, e.msg, JMSG_LENGTH_MAX - 1);
		jpeg_destroy_compress(&c);
		free(*out);
		*out = NULL;
		return -1;
	}
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, out, outlen);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, q, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(pix + (size_t)c.next_scanline * w * 3);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return 0;
}
*/
import "C"

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"unsafe"
)

// TurboAvailable says whether this build has the libjpeg-turbo renderer (cgo on Linux).
const TurboAvailable = true

// Turbo is the fast renderer: libjpeg-turbo's scaled decoding and encoding, our own
// resampling, orientation and watermark (pixels.go). Inputs other than JPEG go to Std.
type Turbo struct {
	Limits Limits
	// MaxFileBytes bounds how much of the source is read into memory (default 256 MiB;
	// uploads of images stop at 200 MiB).
	MaxFileBytes int64
}

var _ Renderer = Turbo{}

// Render implements Renderer.
func (t Turbo) Render(ctx context.Context, src io.Reader, specs []Spec) (Image, []Rendition, error) {
	return t.RenderMarked(ctx, src, specs, nil)
}

// RenderMarked implements MarkRenderer.
func (t Turbo) RenderMarked(ctx context.Context, src io.Reader, specs []Spec, mark *Mark) (Image, []Rendition, error) {
	limit := t.MaxFileBytes
	if limit <= 0 {
		limit = 256 << 20
	}
	data, err := readAll(src, limit)
	if err != nil {
		return Image{}, nil, fmt.Errorf("read source: %w", err)
	}
	if int64(len(data)) > limit {
		return Image{}, nil, fail(CodeTooLarge, "file larger than %d bytes", limit)
	}
	typ, err := Sniff(data[:min(len(data), exifWindow)])
	if err != nil {
		return Image{}, nil, err
	}
	if typ.Ext != "jpg" {
		return Std{Limits: t.Limits}.RenderMarked(ctx, bytesReader(data), specs, mark)
	}
	info := Image{Format: "jpeg", Orientation: orientation(data[:min(len(data), exifWindow)])}
	largest := 0
	for _, sp := range specs {
		largest = max(largest, sp.MaxEdge)
	}
	w, h, _, _, err := jpegHeader(data, 8)
	if err != nil {
		return Image{}, nil, err
	}
	if err := checkPixels(w, h, t.Limits); err != nil {
		return Image{}, nil, err
	}
	info.Width, info.Height = uprightSize(w, h, info.Orientation)
	// The smallest M/8 whose output still covers the largest rendition.
	num := 8
	for m := 1; m < 8; m++ {
		if max(w, h)*m >= largest*8 {
			num = m
			break
		}
	}
	_, _, ow, oh, err := jpegHeader(data, num)
	if err != nil {
		return Image{}, nil, err
	}
	if err := ctx.Err(); err != nil {
		return Image{}, nil, err
	}
	pix := newRGB(ow, oh)
	if err := jpegDecode(data, num, &pix); err != nil {
		return Image{}, nil, err
	}
	rs, err := renderFrom(ctx, pix, w, h, info.Orientation, specs, mark, encodeTurbo)
	if err != nil {
		return Image{}, nil, err
	}
	return info, rs, nil
}

// jpegHeader reads the frame size and the output size at num/8.
func jpegHeader(data []byte, num int) (w, h, ow, oh int, err error) {
	if len(data) == 0 {
		return 0, 0, 0, 0, fail(CodeCorrupt, "empty")
	}
	var cw, ch, cow, coh C.int
	var msg [C.JMSG_LENGTH_MAX]C.char
	if C.sd_decode((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), C.int(num), nil, &cw, &ch, &cow, &coh, &msg[0]) != 0 {
		return 0, 0, 0, 0, fail(CodeCorrupt, "read header: %s", C.GoString(&msg[0]))
	}
	return int(cw), int(ch), int(cow), int(coh), nil
}

// jpegDecode decodes data at num/8 into pix, sized by jpegHeader.
func jpegDecode(data []byte, num int, pix *rgb) error {
	var cw, ch C.int
	cow, coh := C.int(pix.W), C.int(pix.H)
	var msg [C.JMSG_LENGTH_MAX]C.char
	switch C.sd_decode((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), C.int(num),
		(*C.uchar)(unsafe.Pointer(&pix.Pix[0])), &cw, &ch, &cow, &coh, &msg[0]) {
	case -1:
		return fail(CodeCorrupt, "decode: %s", C.GoString(&msg[0]))
	case -2:
		return fail(CodeCorrupt, "damaged: %s", C.GoString(&msg[0]))
	}
	return nil
}

func encodeTurbo(p rgb, quality int) ([]byte, error) {
	var out *C.uchar
	var n C.ulong
	var msg [C.JMSG_LENGTH_MAX]C.char
	if C.sd_encode((*C.uchar)(unsafe.Pointer(&p.Pix[0])), C.int(p.W), C.int(p.H), C.int(quality), &out, &n, &msg[0]) != 0 {
		return nil, fmt.Errorf("encode: %s", C.GoString(&msg[0]))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}

// Best is the fastest renderer of this build: Turbo here.
func Best(l Limits) Renderer { return Turbo{Limits: l} }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// readAll reads src (at most limit+1 bytes), in one allocation when src tells its size
// (Sized, bytes.Reader).
func readAll(src io.Reader, limit int64) ([]byte, error) {
	var size int64 = -1
	switch s := src.(type) {
	case Sized:
		size = s.Size()
	case interface{ Len() int }:
		size = int64(s.Len())
	}
	if size < 0 || size > limit {
		return io.ReadAll(io.LimitReader(src, limit+1))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	return buf.Bytes(), err
}
