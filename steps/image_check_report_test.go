package steps

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

func TestParseImageCheck(t *testing.T) {
	data := []byte(`{"user":"10001:10001","layers":7,"compressedBytes":52000000,"rootfsBytes":150000000,` +
		`"shells":[],"packageManagers":[],"languagePackageManagers":["/usr/local/bin/npm"],"requireMinimal":true}`)
	r, err := ParseImageCheck(data)
	require.NoError(t, err)
	assert.Equal(t, 7, r.Layers)
	assert.False(t, r.RunsAsRoot())
	findings := r.Findings()
	require.Len(t, findings, 1)
	assert.Equal(t, "image/package-manager", findings[0].RuleID)
	assert.Equal(t, gates.SeverityHigh, findings[0].Severity)
}

func TestImageCheckRootUsers(t *testing.T) {
	for _, user := range []string{"", "root", "0", "0:0", "root:root", " 0 "} {
		assert.True(t, ImageCheckReport{User: user}.RunsAsRoot(), "%q", user)
	}
	for _, user := range []string{"node", "1000", "10001:0", "nonroot"} {
		assert.False(t, ImageCheckReport{User: user}.RunsAsRoot(), "%q", user)
	}
}

func TestImageCheckAdvisoryWhenNotMinimal(t *testing.T) {
	r := ImageCheckReport{User: "app", Shells: []string{"/bin/sh"}}
	findings := r.Findings()
	require.Len(t, findings, 1)
	assert.Equal(t, gates.SeverityInfo, findings[0].Severity)
}

func TestParseImageCheckErrors(t *testing.T) {
	_, err := ParseImageCheck(nil)
	require.ErrorContains(t, err, "file is empty")
	_, err = ParseImageCheck([]byte("{\n\"layers\": \"x\"}"))
	require.ErrorContains(t, err, "line 2")
}

// TestImageCheckScript runs the image-check shell script on the host on a
// hand-built OCI archive, so its JSON handling is checked without an engine.
func TestImageCheckScript(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar not on PATH")
	}
	work := t.TempDir()
	layout := filepath.Join(work, "layout")
	blobs := filepath.Join(layout, "blobs", "sha256")
	require.NoError(t, os.MkdirAll(blobs, 0o755))

	writeBlob := func(content string) string {
		sum := sha256.Sum256([]byte(content))
		digest := hex.EncodeToString(sum[:])
		require.NoError(t, os.WriteFile(filepath.Join(blobs, digest), []byte(content), 0o644))
		return "sha256:" + digest
	}
	config := writeBlob(`{"architecture": "amd64", "os": "linux", "config": {"User": "10001:10001", "Env": ["PATH=/bin"]}}`)
	manifest := writeBlob(`{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "` + config + `", "size": 100},
  "layers": [
    {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:aaaa", "size": 1000},
    {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:bbbb", "size": 2345}
  ]
}`)
	require.NoError(t, os.WriteFile(filepath.Join(layout, "index.json"),
		[]byte(`{"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "`+manifest+`", "size": 500}]}`), 0o644))
	archive := filepath.Join(work, "image.tar")
	out, err := exec.Command("tar", "-cf", archive, "-C", layout, ".").CombinedOutput()
	require.NoError(t, err, string(out))

	rootfs := filepath.Join(work, "rootfs")
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "usr", "local", "bin"), 0o755))
	require.NoError(t, os.Symlink("/bin/busybox", filepath.Join(rootfs, "bin", "sh")))
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "usr", "local", "bin", "npm"), []byte("x"), 0o755))

	reports := filepath.Join(work, "reports")
	require.NoError(t, os.MkdirAll(reports, 0o755))
	cmd := exec.Command("sh", "-c", imageCheckScript)
	cmd.Env = append(os.Environ(), "IMAGE_TAR="+archive, "ROOTFS="+rootfs, "R="+reports, "REQUIRE_MINIMAL=true")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))

	data, err := os.ReadFile(filepath.Join(reports, "image-check.json"))
	require.NoError(t, err)
	r, err := ParseImageCheck(data)
	require.NoError(t, err, string(data))
	assert.Equal(t, "10001:10001", r.User)
	assert.Equal(t, 2, r.Layers)
	assert.EqualValues(t, 3345, r.CompressedBytes)
	assert.Equal(t, []string{"/bin/sh"}, r.Shells)
	assert.Empty(t, r.PackageManagers)
	assert.Equal(t, []string{"/usr/local/bin/npm"}, r.LanguagePackageManagers)
	assert.True(t, r.RequireMinimal)

	configCopy, err := os.ReadFile(filepath.Join(reports, "image-config.json"))
	require.NoError(t, err)
	assert.Contains(t, string(configCopy), `"User": "10001:10001"`)
}
