package app

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/unboxed-go/unboxed/lessons/internal/workshop"
)

// results builds a package's results from "Name action" pairs; an action
// "here" is a skip because this machine cannot run the test.
func results(pairs ...string) *workshop.PackageResult {
	p := &workshop.PackageResult{Action: "pass"}
	for _, pair := range pairs {
		name, action, _ := strings.Cut(pair, " ")
		t := &workshop.TestResult{Name: name, Action: action}
		if action == "here" {
			t.Action = "skip"
			t.Output = []string{"    x_test.go:1: " + workshop.NotOnThisHost + "the controllers are v1"}
		}
		if t.Action == "fail" {
			p.Action = "fail"
		}
		p.Tests = append(p.Tests, t)
	}
	return p
}

// Lesson 05 on a host whose controllers are v1: the v2 limits cannot run
// here, the bonus is judged apart, and the lesson verifies.
func TestVerifyJudgesBonusAndHostSkipsApart(t *testing.T) {
	solution := results("TestFiles pass", "TestLimits here", "TestBonusV1Files pass")
	stub := results("TestFiles fail", "TestLimits here", "TestBonusV1Files fail")
	c := &lessonCheck{solution: "ok", stub: "ok", bonus: "-"}
	judgeSolution(solution, c)
	judgeStub(stub, solution, c)
	judgeBonus(stub, solution, c)
	assert.Empty(t, c.problems)
	assert.Equal(t, "pass (1, 1 not here)", c.solution)
	assert.Equal(t, "fail (1 of 1)", c.stub)
	assert.Equal(t, "pass 1, stub fails 1", c.bonus)

	// A bonus that fails with the solution, or passes with the stub, is
	// still a problem; a skip for want of root is one too.
	solution = results("TestFiles pass", "TestLimits skip", "TestBonusV1Files fail")
	stub = results("TestFiles fail", "TestLimits skip", "TestBonusV1Files pass")
	c = &lessonCheck{solution: "ok", stub: "ok", bonus: "-"}
	judgeSolution(solution, c)
	judgeBonus(stub, solution, c)
	assert.Equal(t, []string{
		"with the solution, TestLimits skips: run verify as root to run every test",
		"with the solution, bonus TestBonusV1Files fails",
	}, c.problems)
	solution = results("TestFiles pass", "TestBonusV1Files pass")
	c = &lessonCheck{solution: "ok", stub: "ok", bonus: "-"}
	judgeBonus(stub, solution, c)
	assert.Equal(t, []string{"with the stub, bonus TestBonusV1Files does not fail"}, c.problems)
}

// check marks a failing bonus test as one and does not count it: the
// lesson passes without it.
func TestCheckDoesNotCountBonusFailures(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	passed, failed := printMarks(results("TestFiles pass", "TestLimits here", "TestBonusV1Files fail"))
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	assert.Equal(t, 1, passed)
	assert.Equal(t, 0, failed)
	assert.Contains(t, string(out), "✗ TestBonusV1Files (a bonus: not required)")
}
