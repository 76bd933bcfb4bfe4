// Package benchhost is what the benchmark commands share about the machine they run on
// (its CPU and load, written next to every number) and about running the real server
// binary.
package benchhost

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Uptime is `uptime`'s line (the load averages).
func Uptime() string {
	out, err := exec.Command("uptime").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// LoadAvg is the 1, 5 and 15 minute load averages.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// Machine names the CPU model and the number of cores.
func Machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	n, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("%s, %s cores", model, strings.TrimSpace(string(n)))
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// StartServer runs `studiodesk-server` (bin) with args, its stderr into logf, and waits
// up to a minute for the address it prints.
func StartServer(bin string, args []string, logf *os.File) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return cmd, u, nil
	case <-time.After(60 * time.Second):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, "", fmt.Errorf("server did not start in 60 s (log: %s)", logf.Name())
}

// NewStudio creates a studio with the server binary (`tenant create`, admin phone phone) in
// the deployment named by where (--data, --db) and tops it up with credits; it returns the
// admin's one-time password.
func NewStudio(ctx context.Context, bin string, where []string, name, phone string, credits int) (password string, err error) {
	out, err := exec.CommandContext(ctx, bin, append([]string{"tenant", "create", "--name", name, "--admin-phone", phone}, where...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tenant create: %v: %s", err, out)
	}
	pw := regexp.MustCompile(`admin password: (\S+)`).FindSubmatch(out)
	tenant := regexp.MustCompile(`studio id:\s+(\d+)`).FindSubmatch(out)
	if pw == nil || tenant == nil {
		return "", fmt.Errorf("tenant create said: %s", out)
	}
	if out, err := exec.CommandContext(ctx, bin, append([]string{"credits", "topup", "--tenant", string(tenant[1]), "--credits", fmt.Sprint(credits)}, where...)...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("credits topup: %v: %s", err, out)
	}
	return string(pw[1]), nil
}
