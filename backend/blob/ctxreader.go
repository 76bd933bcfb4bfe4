package blob

import (
	"context"
	"io"
)

// ContextReader fails reads once ctx is done, so a cancelled copy stops within one buffer.
// Drivers wrap the body of a Put with it.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx: ctx, r: r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
