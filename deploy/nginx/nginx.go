// Package nginx holds StudioDesk's reverse-proxy configuration for nginx (studiodesk-proxy.conf,
// shipped as it is in this folder) and runs Debian's nginx on loopback with it, so tests and
// benchmarks exercise the very file operators install.
package nginx

import (
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ProxyConf is studiodesk-proxy.conf: the body of a site's server block.
//
//go:embed studiodesk-proxy.conf
var ProxyConf string

// Server is an nginx running in the foreground until Close.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Available reports whether an nginx binary is on PATH.
func Available() bool { _, err := exec.LookPath("nginx"); return err == nil }

// Start runs nginx with a configuration of its own under dir (created if missing): two
// workers, no access log, temp files in dir; httpExtra goes into the http block and server
// into the one server block, which listens on a free loopback port.
func Start(dir, httpExtra, server string) (*Server, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers must write the cache and temp files in dir (Debian's default is www-data)
	}
	conf := fmt.Sprintf(`%[4]s
worker_processes 2;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { image/jpeg jpg; application/zip zip; }
  client_body_temp_path %[1]s/tmp;
  proxy_temp_path %[1]s/tmp;
  fastcgi_temp_path %[1]s/tmp;
  uwsgi_temp_path %[1]s/tmp;
  scgi_temp_path %[1]s/tmp;
%[2]s
  server {
    listen %[3]s;
%[5]s
  }
}
`, dir, httpExtra, addr, user, server)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("nginx", "-p", dir, "-c", confPath, "-g", "daemon off;")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	for range 100 {
		select {
		case <-s.done:
			return nil, fmt.Errorf("nginx exited: %s", s.errorLog())
		default:
		}
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Close()
	return nil, errors.New("nginx did not start: " + s.errorLog())
}

// Front runs nginx in front of upstream (host:port) with the shipped studiodesk-proxy.conf
// and its rendition cache under dir, as docs/operations.md sets it up.
func Front(dir, upstream string) (*Server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	snippet := filepath.Join(dir, "studiodesk-proxy.conf")
	if err := os.WriteFile(snippet, []byte(ProxyConf), 0o644); err != nil {
		return nil, err
	}
	httpExtra := fmt.Sprintf(`  upstream studiodesk { server %s; keepalive 64; }
  proxy_cache_path %s levels=1:2 keys_zone=studiodesk_renditions:20m max_size=1g inactive=10m use_temp_path=off;`,
		upstream, filepath.Join(dir, "cache"))
	return Start(dir, httpExtra, "    include "+snippet+";")
}

// Close stops nginx (graceful, then killed after 5 s).
func (s *Server) Close() {
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *Server) errorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return strings.TrimSpace(string(b))
}
