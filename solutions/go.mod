// The solutions are not a module of their own to build: each file replaces
// its twin in lessons/ under go test -overlay (go run ./lessons verify). This
// go.mod only keeps ./... in the main module from compiling them twice.
module github.com/unboxed-go/unboxed/solutions

go 1.24
