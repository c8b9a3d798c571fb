package workshop

import (
	"strings"
	"testing"
)

func TestBonusAndHostSkips(t *testing.T) {
	events := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"run","Package":"p","Test":"TestBonusV1Files"}`,
		`{"Action":"fail","Package":"p","Test":"TestBonusV1Files"}`,
		`{"Action":"run","Package":"p","Test":"TestLimits"}`,
		`{"Action":"output","Package":"p","Test":"TestLimits","Output":"    x_test.go:1: not on this host: the controllers are v1\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestLimits"}`,
		`{"Action":"fail","Package":"p"}`,
	}, "\n")
	p := ParseTestEvents(strings.NewReader(events))["p"]
	if !p.RequiredPassed() {
		t.Errorf("want the lesson passed when only a bonus test failed")
	}
	if !p.Tests[2].SkippedHere() || p.Tests[0].SkippedHere() {
		t.Errorf("want TestLimits skipped here, TestA not")
	}
	if !IsBonus("TestBonusV1Limits") || IsBonus("TestCgroupV2Files") {
		t.Errorf("want bonus tests known by their prefix")
	}
	p.Tests[0].Action = "fail"
	if p.RequiredPassed() {
		t.Errorf("want the lesson failing when a required test failed")
	}
}
