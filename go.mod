module github.com/unboxed-go/unboxed

go 1.24.0

require (
	github.com/yuin/goldmark v1.7.13
	golang.org/x/sys v0.40.0
	golang.org/x/term v0.36.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/stretchr/testify v1.11.1
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
