package container

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestImageNameGrammar checks the hand-written validators against the
// regular expressions they replace, on chosen names and on random strings
// over the bytes that matter.
func TestImageNameGrammar(t *testing.T) {
	cases := []struct {
		name  string
		valid func(string) bool
		re    *regexp.Regexp
		seeds []string
	}{
		{"repository component", validRepoComponent, regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`),
			[]string{"alpine", "my-app", "a--b", "a__b", "a___b", "a._b", "a.b.c", "-a", "a-", "A", "", "a..b", "library"}},
		{"tag", validTag, regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`),
			[]string{"latest", "3.20", "v1.0-rc_1", ".x", "-x", "", "a:b", string(make([]byte, 129))}},
		{"digest", validDigest, regexp.MustCompile(`^sha256:[a-f0-9]{64}$`),
			[]string{"sha256:" + string(make([]byte, 64)), "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				"sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "sha512:00", "sha256:"}},
	}
	alphabet := "ab0Z_.-:9f"
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		inputs := append([]string{}, c.seeds...)
		for range 20000 {
			b := make([]byte, r.IntN(8))
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			inputs = append(inputs, string(b))
		}
		for _, in := range inputs {
			if got, want := c.valid(in), c.re.MatchString(in); got != want {
				t.Errorf("%s %q: want valid=%v (as %s says), got %v", c.name, in, want, c.re, got)
			}
		}
	}
}
