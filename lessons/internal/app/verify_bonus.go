package app

import (
	"fmt"

	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// Bonus tests (workshop.IsBonus) check an optional exercise, lesson 05's
// cgroup v1: verify reports them in a column of their own, and a lesson
// counts as passed without them.

// onlyBonusFailed says whether the package failed for bonus tests alone
// (judgeBonus reports them).
func onlyBonusFailed(p *workshop.PackageResult) bool {
	return len(p.Failed()) > 0 && p.RequiredPassed()
}

// judgeBonus reports the bonus tests apart: like every other test, each
// must pass with the solution (or be one this machine cannot run) and
// fail with the stub; the lesson is passed without them.
func judgeBonus(stub, solution *workshop.PackageResult, c *lessonCheck) {
	if solution == nil {
		return
	}
	failedWithStub := map[string]bool{}
	if stub != nil {
		for _, name := range stub.Failed() {
			failedWithStub[name] = true
		}
	}
	passed, here, stubFailed := 0, 0, 0
	for _, t := range solution.Tests {
		if !workshop.IsBonus(t.Name) {
			continue
		}
		switch {
		case t.SkippedHere():
			here++
			continue
		case t.Action == "skip":
			c.problems = append(c.problems, "with the solution, bonus "+t.Name+" skips: run verify as root to run every test")
			continue
		case t.Action != "pass":
			c.problems = append(c.problems, "with the solution, bonus "+t.Name+" fails")
			continue
		}
		passed++
		if failedWithStub[t.Name] {
			stubFailed++
		} else {
			c.problems = append(c.problems, "with the stub, bonus "+t.Name+" does not fail")
		}
	}
	if passed+here > 0 {
		c.bonus = fmt.Sprintf("pass %d, stub fails %d", passed, stubFailed)
		if here > 0 {
			c.bonus += fmt.Sprintf(", %d not here", here)
		}
	}
}
