package container

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestImageResolveUser(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"
	layout := writeLayout(t, testImage{tag: "v1", layers: [][]byte{
		layerTar(t, entry{name: "etc/"}, entry{name: "etc/passwd", body: passwd}, entry{name: "etc/group", body: "root:x:0:\nstaff:x:50:app\n"}),
		layerTar(t, entry{name: "etc/"}, entry{name: "etc/passwd", body: passwd + "late:x:2000:2000::/:/bin/sh\n"}),
	}})
	s, err := OpenImageStore(t.TempDir())
	assert.NoError(t, err)
	img, err := pull(t, s, "oci:"+layout+":v1")
	if !assert.NoError(t, err) {
		return
	}
	for user, want := range map[string][2]int{
		"": {0, 0}, "root": {0, 0}, "app": {1000, 1001}, "1000": {1000, 1001}, "late": {2000, 2000},
		"app:staff": {1000, 50}, "app:7": {1000, 7}, "4242": {4242, 0}, "4242:4243": {4242, 4243},
	} {
		img.Config.User = user
		uid, gid, err := img.ResolveUser()
		if assert.NoError(t, err, user) {
			assert.Equal(t, want, [2]int{uid, gid}, user)
		}
	}
	for user, why := range map[string]string{"nobody": "no such user", "app:wheel": `no group "wheel"`} {
		img.Config.User = user
		_, _, err := img.ResolveUser()
		assert.ErrorContains(t, err, why, user)
	}
}
