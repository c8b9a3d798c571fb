package container

import "strings"

// The grammar of image references (the distribution project's reference
// grammar, as docker and skopeo read it), written out by hand rather than
// as regular expressions: package regexp would bring its unicode tables
// into the binary's initialisation, which every container's init pays
// for too.

// validRepoComponent says whether s is one component of a repository path:
// lowercase letters and digits, in runs separated by one '.', one or two
// '_', or any number of '-' (`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`).
func validRepoComponent(s string) bool {
	if s == "" || !lowerAlnum(s[0]) || !lowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s); {
		if lowerAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && !lowerAlnum(s[j]) {
			j++
		}
		if sep := s[i:j]; sep != "." && sep != "_" && sep != "__" && !allDashes(sep) {
			return false
		}
		i = j
	}
	return true
}

// validTag says whether s is a tag: a letter, digit or '_', then up to 127
// of those or '.' and '-' (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`).
func validTag(s string) bool {
	if s == "" || len(s) > 128 || !wordByte(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !wordByte(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// validDigest says whether s is a sha256 digest: "sha256:" and 64
// lowercase hex digits.
func validDigest(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for i := range len(hex) {
		if c := hex[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func lowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// wordByte is regexp's \w: an ASCII letter, digit or '_'.
func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func allDashes(s string) bool {
	for i := range len(s) {
		if s[i] != '-' {
			return false
		}
	}
	return s != ""
}
