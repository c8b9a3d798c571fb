package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUserNamespacesBlocked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		says  string
	}{
		{"nothing set", map[string]string{}, ""},
		{"allowed", map[string]string{"kernel/apparmor_restrict_unprivileged_userns": "0\n", "user/max_user_namespaces": "100\n"}, ""},
		{"ubuntu apparmor", map[string]string{"kernel/apparmor_restrict_unprivileged_userns": "1\n"}, "kernel.apparmor_restrict_unprivileged_userns=0"},
		{"debian switch", map[string]string{"kernel/unprivileged_userns_clone": "0\n"}, "kernel.unprivileged_userns_clone=1"},
		{"max zero", map[string]string{"user/max_user_namespaces": "0\n"}, "user.max_user_namespaces=15000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
			}
			err := userNamespacesBlocked(dir)
			if tc.says == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.says)
		})
	}
}
