package fsblob

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Each object file starts with a fixed-size header holding the content type,
// followed by the content. Keeping the type inside the file (rather than in a
// sidecar) makes one rename publish content and type together, so concurrent
// Puts can never pair one writer's bytes with another's type; the fixed size
// lets List compute Size from the file size without opening the file.
//
// Layout: magic, content type, '\n', zero padding up to headerSize.
const (
	headerSize = 512
	magic      = "sdblob1\n"
)

// errCorrupt marks a file under objects/ that is not an object file; it is
// reported rather than skipped because it means data was damaged.
var errCorrupt = errors.New("corrupt object file")

func encodeHeader(contentType string) []byte {
	h := make([]byte, headerSize)
	n := copy(h, magic)
	n += copy(h[n:], contentType) // NormalizeContentType caps it well below headerSize
	h[n] = '\n'
	return h
}

// readHeader reads the header from r and returns the content type.
func readHeader(r io.Reader) (string, error) {
	h := make([]byte, headerSize)
	if _, err := io.ReadFull(r, h); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "", fmt.Errorf("%w: short header", errCorrupt)
		}
		return "", fmt.Errorf("read header: %w", err)
	}
	rest, ok := bytes.CutPrefix(h, []byte(magic))
	if !ok {
		return "", fmt.Errorf("%w: bad magic", errCorrupt)
	}
	ct, _, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return "", fmt.Errorf("%w: unterminated content type", errCorrupt)
	}
	return string(ct), nil
}
