// Package s3blob is the S3-compatible blob.Bucket, for hosted deployments with several
// server replicas (AWS S3, Aliyun OSS, Tencent COS, MinIO, versitygw, ...).
//
// Put streams through the SDK's upload manager: objects up to PartSize go in one PutObject,
// larger ones (videos of several GB) as a multipart upload that is aborted when the reader
// fails, so a failed Put leaves nothing behind and readers see the old object or the new
// one, never a part (S3 publishes an object only when its upload completes). The content
// type is the object's Content-Type. The bucket implements blob.Presigner: downloads can go
// straight from the object store to the browser.
//
// Request checksums are sent only where the S3 API requires them: the SDK's newer default
// (trailing CRC checksums on every upload) is refused by several S3-compatible stores that
// studios in China use.
package s3blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/studiodesk/studiodesk/backend/blob"
)

var (
	_ blob.Bucket    = (*Bucket)(nil)
	_ blob.Presigner = (*Bucket)(nil)
)

// Config selects the object store.
type Config struct {
	Bucket string
	// Endpoint is the store's URL (e.g. http://127.0.0.1:7070, https://oss-cn-hangzhou.aliyuncs.com);
	// empty means AWS.
	Endpoint string
	Region   string // e.g. cn-north-1; "us-east-1" when empty
	// PathStyle addresses objects as <endpoint>/<bucket>/<key> instead of
	// <bucket>.<endpoint>/<key> (virtual-host style, the default of AWS and most clouds).
	PathStyle bool
	// AccessKey and SecretKey are static credentials; when empty the SDK's default chain
	// is used (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, shared config, instance roles).
	AccessKey, SecretKey string
	// PartSize is the multipart part size (default 16 MiB; S3's minimum is 5 MiB). Each Put
	// buffers up to PartSize × Concurrency bytes.
	PartSize    int64
	Concurrency int // parts uploaded at once per Put (default 3)
}

// Bucket stores objects in one S3 bucket.
type Bucket struct {
	client   *s3.Client
	presign  *s3.PresignClient
	uploader *manager.Uploader
	bucket   string
}

// New connects to the store. It does not contact it: Ping does.
func New(ctx context.Context, c Config) (*Bucket, error) {
	if c.Bucket == "" {
		return nil, errors.New("s3blob: bucket name is required")
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.PartSize == 0 {
		c.PartSize = 16 << 20
	}
	if c.PartSize < manager.MinUploadPartSize {
		return nil, fmt.Errorf("s3blob: part size %d is below S3's minimum of %d bytes", c.PartSize, manager.MinUploadPartSize)
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 3
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(c.Region),
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired)}
	if c.AccessKey != "" || c.SecretKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3blob: load configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		o.UsePathStyle = c.PathStyle
	})
	return &Bucket{
		client:  client,
		presign: s3.NewPresignClient(client),
		uploader: manager.NewUploader(client, func(u *manager.Uploader) {
			u.PartSize, u.Concurrency = c.PartSize, c.Concurrency
		}),
		bucket: c.Bucket,
	}, nil
}

// Client returns the S3 client and the bucket's name, for code that speaks S3 itself (tusd's
// S3 store keeps resumable uploads in progress in the bucket, so any replica resumes them).
func (b *Bucket) Client() (*s3.Client, string) { return b.client, b.bucket }

// Ping checks that the bucket exists and the credentials reach it (readiness).
func (b *Bucket) Ping(ctx context.Context) error {
	if _, err := b.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &b.bucket}); err != nil {
		return fmt.Errorf("s3blob: bucket %q: %w", b.bucket, err)
	}
	return nil
}

// CreateBucket creates the bucket if it does not exist (setup and tests).
func (b *Bucket) CreateBucket(ctx context.Context) error {
	_, err := b.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &b.bucket})
	var owned interface{ ErrorCode() string }
	if errors.As(err, &owned) && (owned.ErrorCode() == "BucketAlreadyOwnedByYou" || owned.ErrorCode() == "BucketAlreadyExists") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("s3blob: create bucket %q: %w", b.bucket, err)
	}
	return nil
}

func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Info, error) {
	info, err := b.put(ctx, key, r, size, contentType)
	if err != nil {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info, nil
}

func (b *Bucket) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Info, error) {
	ct, err := blob.CheckPut(ctx, key, size, contentType)
	if err != nil {
		return blob.Info{}, err
	}
	body := &exactReader{r: blob.ContextReader(ctx, r), size: size}
	in := &s3.PutObjectInput{Bucket: &b.bucket, Key: &key, Body: body, ContentType: &ct}
	if size >= 0 && size < b.uploader.PartSize {
		in.ContentLength = aws.Int64(size)
	}
	if _, err := b.uploader.Upload(ctx, in); err != nil {
		if body.err != nil {
			return blob.Info{}, body.err // the reader's fault, not the store's
		}
		return blob.Info{}, mapErr(ctx, err)
	}
	if err := ctx.Err(); err != nil {
		// Cancelled after the last byte: the object may be stored, but the caller was told
		// the request is gone, so undo it.
		_, _ = b.client.DeleteObject(context.WithoutCancel(ctx), &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key})
		return blob.Info{}, err
	}
	return b.stat(ctx, key)
}

// exactReader yields exactly size bytes of r (size -1: all of r) and fails otherwise, so a
// short or long reader aborts the upload instead of storing a wrong object.
type exactReader struct {
	r    io.Reader
	size int64
	n    int64
	err  error // the first failure of the source or of the size check
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.size >= 0 && int64(len(p)) > e.size-e.n+1 {
		p = p[:e.size-e.n+1] // one extra byte reveals a longer reader
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	switch {
	case e.size >= 0 && e.n > e.size:
		e.err = fmt.Errorf("reader has more than the %d bytes declared", e.size)
		return 0, e.err
	case err == io.EOF && e.size >= 0 && e.n < e.size:
		e.err = fmt.Errorf("got %d of %d bytes: %w", e.n, e.size, io.ErrUnexpectedEOF)
		return n, e.err
	case err != nil && err != io.EOF:
		e.err = err
	}
	return n, err
}

func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %q: %w", key, err)
	}
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %q: %w", key, mapErr(ctx, err))
	}
	info := blob.Info{Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified),
		ContentType: aws.ToString(out.ContentType)}
	return readCloser(ctx, out.Body), info, nil
}

func (b *Bucket) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get range of %q: %w", key, err)
	}
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("get range of %q at %d+%d: %w", key, offset, length, blob.ErrInvalidRange)
	}
	// The object's size decides what the range means; its ETag pins the GET to that very
	// version, so an overwrite in between is noticed (and retried), never mixed.
	for attempt := 0; ; attempt++ {
		head, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key})
		if err != nil {
			return nil, fmt.Errorf("get range of %q: %w", key, mapErr(ctx, err))
		}
		size := aws.ToInt64(head.ContentLength)
		if offset > size {
			return nil, fmt.Errorf("get range of %q: offset %d past the end (%d bytes): %w", key, offset, size, blob.ErrInvalidRange)
		}
		end := size
		if length >= 0 {
			end = min(size, offset+length)
		}
		if end == offset {
			return io.NopCloser(strings.NewReader("")), nil
		}
		out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: &key, IfMatch: head.ETag,
			Range: aws.String(fmt.Sprintf("bytes=%d-%d", offset, end-1))})
		if err != nil && attempt < 3 && (statusOf(err) == http.StatusPreconditionFailed || statusOf(err) == http.StatusRequestedRangeNotSatisfiable) {
			continue // overwritten between HEAD and GET
		}
		if err != nil {
			return nil, fmt.Errorf("get range of %q: %w", key, mapErr(ctx, err))
		}
		return readCloser(ctx, out.Body), nil
	}
}

func (b *Bucket) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.Info{}, fmt.Errorf("stat %q: %w", key, err)
	}
	info, err := b.stat(ctx, key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %q: %w", key, err)
	}
	return info, nil
}

func (b *Bucket) stat(ctx context.Context, key string) (blob.Info, error) {
	out, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		return blob.Info{}, mapErr(ctx, err)
	}
	return blob.Info{Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified),
		ContentType: aws.ToString(out.ContentType)}, nil
}

func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if _, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key}); err != nil {
		if errors.Is(mapErr(ctx, err), blob.ErrNotFound) {
			return nil // deleting a missing key is not an error
		}
		return fmt.Errorf("delete %q: %w", key, mapErr(ctx, err))
	}
	return nil
}

func (b *Bucket) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	p := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{Bucket: &b.bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %q: %w", prefix, mapErr(ctx, err))
		}
		// S3 lists keys in UTF-8 binary order, which is byte order.
		for _, o := range page.Contents {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("list %q: %w", prefix, err)
			}
			if err := fn(blob.Info{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// PresignGet implements blob.Presigner.
func (b *Bucket) PresignGet(ctx context.Context, key string, ttl time.Duration, filename string) (string, error) {
	if err := blob.ValidateKey(key); err != nil {
		return "", fmt.Errorf("presign %q: %w", key, err)
	}
	in := &s3.GetObjectInput{Bucket: &b.bucket, Key: &key}
	if filename != "" {
		// RFC 6266/5987: an ASCII fallback and the UTF-8 name (Chinese file names).
		in.ResponseContentDisposition = aws.String(fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
			asciiFallback(filename), url.PathEscape(filename)))
	}
	req, err := b.presign.PresignGetObject(ctx, in, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign %q: %w", key, err)
	}
	return req.URL, nil
}

// asciiFallback replaces what an old browser cannot take in a quoted filename.
func asciiFallback(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

// readCloser makes a body stop with ctx.Err() once ctx is done.
func readCloser(ctx context.Context, body io.ReadCloser) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{blob.ContextReader(ctx, body), body}
}

// mapErr turns "no such key" answers into blob.ErrNotFound and keeps a cancelled context
// reachable with errors.Is.
func mapErr(ctx context.Context, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return blob.ErrNotFound
		case "ObjectParentIsFile", "ExistingObjectIsDirectory": // versitygw's posix backend
			return fmt.Errorf("%w: %v", blob.ErrKeyConflict, err)
		}
	}
	if statusOf(err) == http.StatusNotFound {
		return blob.ErrNotFound
	}
	return ctxErr(ctx, err)
}

func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}

func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
