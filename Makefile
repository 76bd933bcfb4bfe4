# StudioDesk: the same boring targets everywhere. `make run` and `make test` are the two
# commands of the README; both install what a fresh Debian machine lacks first.
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

.PHONY: setup build frontend server desktop run test bench bench-leads bench-album bench-ingest clean wails-cli

setup:
	scripts/setup.sh

frontend:
	cd frontend && npm run build

server:
	$(GO) build -o bin/studiodesk-server ./backend/cmd/studiodesk-server

# The desktop window needs cgo and webkit2gtk-4.0 on Linux (see docs/desktop.md).
desktop:
	CGO_ENABLED=1 $(GO) build -tags desktop,production -o bin/studiodesk .

build: setup frontend server desktop

run: build
	scripts/run.sh

test: build
	scripts/test.sh

bench: setup
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Issue-3 benchmark: 1,000,000 leads through the real API (about 35 minutes; appends to docs/benchmarks.md).
bench-leads: setup
	$(GO) run ./bench/leads -leads 1000000 -append docs/benchmarks.md

# Issue-5 benchmarks next to their reference tools (vipsthumbnail, nginx + wrk, cat, curl -T);
# a few minutes; the results are read into docs/benchmarks.md by hand.
bench-album: setup
	$(GO) run ./bench/album renditions -images 16 -rounds 3
	$(GO) run ./bench/album delivery -images 16 -duration 10s -zip-rounds 5

# Issue-6 benchmarks: ingest of 500 24-megapixel JPEGs by the desktop engine vs rclone copy
# (S3, versitygw) and vipsthumbnail, the desktop's RSS and status latency, shoot to phone
# over 100 photos; then the same with the pure-Go renderer of the Windows/macOS builds.
# About 30 minutes (photos generated once under /tmp); read into docs/benchmarks.md by hand.
# A quick run: go run ./bench/ingest -photos 20 -live 10
bench-ingest: setup
	$(GO) run ./bench/ingest -photos 500 -live 100
	$(GO) run ./bench/ingest -photos 500 -live 100 -desktop-tags nolibjpeg

clean:
	rm -rf bin test-results frontend/dist/assets frontend/dist/*.html

# Optional for developers (`wails dev`); CI builds without it.
wails-cli:
	cd tools/wails && GOBIN=$(CURDIR)/tools/bin $(GO) install github.com/wailsapp/wails/v2/cmd/wails
