// Package s3test gives tests a real S3-compatible server's bucket: the server named by
// STUDIODESK_TEST_S3 (scripts/s3-server.sh starts versitygw and sets it, with
// STUDIODESK_TEST_S3_KEY and STUDIODESK_TEST_S3_SECRET; scripts/test.sh always does).
// Without it a test skips — except under CI, where it fails: CI must run it.
package s3test

import (
	"context"
	"os"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob/s3blob"
)

// Endpoint returns the server's address, skipping (or, under CI, failing) t without one.
func Endpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("STUDIODESK_TEST_S3")
	if endpoint == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STUDIODESK_TEST_S3 is not set: CI must start the S3 server (scripts/test.sh)")
		}
		t.Skip("STUDIODESK_TEST_S3 not set (scripts/s3-server.sh starts one)")
	}
	return endpoint
}

// Config is the test server's configuration for bucket (path-style, its credentials).
func Config(t testing.TB, bucket string) s3blob.Config {
	t.Helper()
	return s3blob.Config{Bucket: bucket, Endpoint: Endpoint(t), PathStyle: true, Region: "us-east-1",
		AccessKey: os.Getenv("STUDIODESK_TEST_S3_KEY"), SecretKey: os.Getenv("STUDIODESK_TEST_S3_SECRET")}
}

// Bucket creates (if needed) and returns a bucket on the test server. withEnv also puts the
// server's credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for t, as a server
// started with --blobs s3://... reads them.
func Bucket(t testing.TB, name string, withEnv bool) *s3blob.Bucket {
	t.Helper()
	c := Config(t, name)
	if withEnv {
		t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKey)
		t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretKey)
	}
	b, err := s3blob.New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}
