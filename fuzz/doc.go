// Package fuzz holds the project's go test -fuzz targets, one file per
// input the library reads. Each target keeps a seed corpus in f.Add calls,
// each with a comment saying what it covers. Run one with
//
//	go test ./fuzz -run '^$' -fuzz '^FuzzParseRule$' -fuzztime 30s
package fuzz
