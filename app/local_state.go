package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/studiodesk/studiodesk/backend/api"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Files of the local state folder (Config.Dir).
const (
	deviceFile   = "device.json"   // this installation's identity, created once
	settingsFile = "settings.json" // server address, language, session token (0600)
	uiStateFile  = "ui-state.json" // the last screen the UI reported (UIReady)
)

// device identifies this installation to the server: admins bind it to branches by its code.
type device struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// settings is what survives a restart. The token is a credential: the file is 0600 and the
// token is never logged (LogValue hides it).
type settings struct {
	ServerURL string `json:"server_url"`
	Language  string `json:"language"`
	Token     string `json:"token,omitempty"`
	// Session is the last session the server confirmed (without its token), so StudioDesk
	// can open the user's replica and work offline when started without the server.
	Session *api.Session `json:"session,omitempty"`
	// Uploads are this computer's upload settings (UploadSettings).
	Uploads UploadSettings `json:"uploads"`
}

// LogValue keeps the token out of logs.
func (s settings) LogValue() slog.Value {
	return slog.GroupValue(slog.String("server_url", s.ServerURL), slog.String("language", s.Language),
		slog.Bool("logged_in", s.Token != ""))
}

// uiState is what UIReady records.
type uiState struct {
	Screen string    `json:"screen"`
	At     time.Time `json:"at"`
}

// readJSON loads path into v. A missing file is (false, nil). A file that is not valid JSON
// is moved aside to path+".bad" (kept for support) and reported as missing, so one damaged
// file never keeps StudioDesk from starting.
func readJSON(log *slog.Logger, path string, v any) (bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Warn("damaged local file moved aside", "path", path, "err", err)
		if err := os.Rename(path, path+".bad"); err != nil {
			return false, fmt.Errorf("move damaged %s aside: %w", path, err)
		}
		return false, nil
	}
	return true, nil
}

// writeJSON replaces path atomically (temp file + rename), so a crash never leaves half a
// file. perm applies on Unix; on Windows the per-user config folder is the protection.
func writeJSON(path string, v any, perm fs.FileMode) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}

// StoredLogin returns the server address and session token the desktop app keeps in dir,
// for the headless commands (studiodesk upload / watch) on the same PC. token is empty
// when nobody is logged in there.
func StoredLogin(dir string) (serverURL, token string, err error) {
	var s settings
	if _, err := readJSON(slog.New(slog.DiscardHandler), filepath.Join(dir, settingsFile), &s); err != nil {
		return "", "", err
	}
	return s.ServerURL, s.Token, nil
}
