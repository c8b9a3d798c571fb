package workshop

import "strings"

// BonusPrefix starts the name of a lesson's bonus tests (lesson 05's
// TestBonusV1Files): they check an optional exercise, and a lesson counts
// as passed without them.
const BonusPrefix = "TestBonus"

// NotOnThisHost starts the skip message of a test that this machine
// cannot run whoever runs it (lessontest's NotOnThisHost): lesson 05's
// v2 limits where the controllers are v1, say. Running as root does not
// help, so verify does not count it against the solution.
const NotOnThisHost = "not on this host: "

// IsBonus says whether the top-level test name is a bonus test.
func IsBonus(name string) bool { return strings.HasPrefix(name, BonusPrefix) }

// SkippedHere says whether t skipped because this machine cannot run it.
func (t *TestResult) SkippedHere() bool {
	if t.Action != "skip" {
		return false
	}
	for _, line := range t.Output {
		if strings.Contains(line, NotOnThisHost) {
			return true
		}
	}
	return false
}

// RequiredPassed says whether every test that is not a bonus test passed
// or skipped: the lesson is done, whatever its bonus tests say.
func (p *PackageResult) RequiredPassed() bool {
	if p == nil || len(p.Tests) == 0 {
		return false
	}
	if p.Action == "pass" {
		return true
	}
	for _, t := range p.Tests {
		if t.Action == "" || t.Action == "fail" && !IsBonus(t.Name) {
			return false
		}
	}
	// The package failed for its bonus tests alone, unless something
	// outside any test failed too (a build error leaves no tests).
	return true
}
