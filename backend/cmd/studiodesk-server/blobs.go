package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob"
)

// openBlobs opens the photo storage named by spec:
//
//	""                       <data>/blobs on local disk (the default)
//	/srv/photos              a folder on local disk
//	s3://BUCKET?endpoint=URL&region=R&path_style=true
//	                         an S3-compatible bucket; credentials from AWS_ACCESS_KEY_ID /
//	                         AWS_SECRET_ACCESS_KEY (or the SDK's other sources), never the URL
//
// The returned close releases it.
func openBlobs(ctx context.Context, spec, dataDir string) (blob.Bucket, func() error, error) {
	if !strings.HasPrefix(spec, "s3://") {
		dir := spec
		if dir == "" {
			dir = filepath.Join(dataDir, "blobs")
		}
		b, err := fsblob.New(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("open photo storage: %w", err)
		}
		return b, b.Close, nil
	}
	u, err := url.Parse(spec)
	if err != nil || u.Host == "" {
		return nil, nil, usageError{fmt.Sprintf("--blobs %q: want s3://BUCKET?endpoint=URL&region=R&path_style=true", redactURL(spec))}
	}
	if u.User != nil {
		return nil, nil, usageError{"--blobs: put S3 credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the URL"}
	}
	q := u.Query()
	pathStyle, _ := strconv.ParseBool(q.Get("path_style"))
	b, err := s3blob.New(ctx, s3blob.Config{Bucket: u.Host, Endpoint: q.Get("endpoint"), Region: q.Get("region"), PathStyle: pathStyle,
		AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")})
	if err != nil {
		return nil, nil, err
	}
	if err := b.Ping(ctx); err != nil {
		return nil, nil, fmt.Errorf("photo storage: %w (check the bucket name, endpoint and credentials)", err)
	}
	return b, func() error { return nil }, nil
}

// redactURL drops a URL's password for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
