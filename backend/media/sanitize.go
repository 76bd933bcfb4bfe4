package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// HeadLen is how much of a file's start Sanitize looks at: EXIF, XMP and IPTC live in the
// segments before the image data, far within this.
const HeadLen = 1 << 20

// Strip says what to remove from a file guests download.
type Strip struct {
	EXIF bool // all camera metadata: EXIF, XMP, IPTC (PNG: eXIf and text chunks)
	GPS  bool // only the location (when EXIF is kept)
}

// Sanitize removes metadata from the start of a JPEG or PNG file in place, without changing
// its length: removed segments are blanked into comments (JPEG) or private ancillary chunks
// (PNG) that every reader skips. Equal length keeps downloads and zips of known size and
// lets a range of the file be served from the patched head plus the stored rest. head is
// the file's first bytes (up to HeadLen); segments reaching past it are left alone. It
// reports whether anything changed.
func Sanitize(head []byte, s Strip) bool {
	if !s.EXIF && !s.GPS {
		return false
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8}):
		return sanitizeJPEG(head, s)
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return sanitizePNG(head, s)
	}
	return false
}

var (
	exifID = []byte("Exif\x00\x00")
	xmpID  = []byte("http://ns.adobe.com/xap/1.0/")
)

func sanitizeJPEG(b []byte, s Strip) bool {
	changed := false
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return changed // not a marker: corrupt or past the header
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xDA || m == 0xD9 { // start of scan / end of image: metadata is behind us
			return changed
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		end := i + 2 + n
		if n < 2 || end > len(b) {
			return changed
		}
		body := b[i+4 : end]
		blank := false
		switch {
		case m == 0xE1 && bytes.HasPrefix(body, exifID):
			if s.EXIF {
				blank = true
			} else if s.GPS && stripGPS(body[len(exifID):]) {
				changed = true
			}
		case m == 0xE1 && bytes.HasPrefix(body, xmpID):
			blank = true // XMP can hold the location too, and is never needed to show a photo
		case m == 0xED: // Photoshop IRB / IPTC
			blank = s.EXIF
		}
		if blank {
			b[i+1] = 0xFE // COM
			clear(body)
			changed = true
		}
		i = end
	}
	return changed
}

// stripGPS empties the GPS IFD of a TIFF (EXIF) block in place: its entry count becomes 0
// and every byte it described is zeroed. IFD0 keeps its pointer to the now empty IFD.
func stripGPS(t []byte) bool {
	if len(t) < 8 {
		return false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return false
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd+2 > len(t) {
		return false
	}
	count := int(bo.Uint16(t[ifd:]))
	gps := -1
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return false
		}
		if bo.Uint16(t[e:]) == 0x8825 {
			gps = int(bo.Uint32(t[e+8:]))
		}
	}
	if gps < 0 || gps+2 > len(t) {
		return false
	}
	n := int(bo.Uint16(t[gps:]))
	typeSize := map[uint16]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}
	for k := 0; k < n; k++ {
		e := gps + 2 + 12*k
		if e+12 > len(t) {
			break
		}
		size := typeSize[bo.Uint16(t[e+2:])] * int(bo.Uint32(t[e+4:]))
		if size > 4 {
			if off := int(bo.Uint32(t[e+8:])); off >= 0 && off+size <= len(t) {
				clear(t[off : off+size])
			}
		}
		clear(t[e : e+12])
	}
	bo.PutUint16(t[gps:], 0)
	return true
}

func sanitizePNG(b []byte, s Strip) bool {
	if !s.EXIF {
		// PNG keeps EXIF in one eXIf chunk; dropping only GPS from it is not worth a TIFF
		// rewrite here: without the EXIF permission it all goes, with it PNG keeps it whole.
		return false
	}
	changed := false
	i := 8
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		end := i + 12 + n
		if n < 0 || end > len(b) || typ == "IDAT" || typ == "IEND" {
			return changed
		}
		switch typ {
		case "eXIf", "tEXt", "iTXt", "zTXt":
			copy(b[i+4:i+8], "sdXx") // ancillary, private, safe to copy: readers skip it
			clear(b[i+8 : i+8+n])
			binary.BigEndian.PutUint32(b[i+8+n:], crc32.ChecksumIEEE(b[i+4:i+8+n]))
			changed = true
		}
		i = end
	}
	return changed
}
