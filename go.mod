module github.com/sgsim/sgsim

go 1.23

require (
	github.com/google/go-cmp v0.7.0
	github.com/google/gopacket v1.1.19
	go.yaml.in/yaml/v3 v3.0.6
	go4.org/netipx v0.0.0-20260823151212-3075585bcbeb
	pgregory.net/rapid v1.3.0
)

require (
	golang.org/x/net v0.0.0-20190620200207-3b0461eec859 // indirect
	golang.org/x/sys v0.8.0 // indirect
)
