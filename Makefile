# StudioDesk: the same boring targets everywhere. `make run` and `make test` are the two
# commands of the README; both install what a fresh Debian machine lacks first.
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

.PHONY: setup build frontend server desktop run test bench bench-leads bench-album clean wails-cli

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

clean:
	rm -rf bin test-results frontend/dist/assets frontend/dist/*.html

# Optional for developers (`wails dev`); CI builds without it.
wails-cli:
	cd tools/wails && GOBIN=$(CURDIR)/tools/bin $(GO) install github.com/wailsapp/wails/v2/cmd/wails
