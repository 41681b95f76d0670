module github.com/sgsim/sgsim

go 1.23

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/google/gopacket v1.1.19 // indirect
	go4.org/netipx v0.0.0-20260823151212-3075585bcbeb // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
