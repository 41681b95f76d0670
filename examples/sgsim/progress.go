package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress shows, on a terminal, how far the reading of an input has got
// once it has taken more than a second.
type progress struct {
	w io.Writer // nil: stderr is not a terminal
}

func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	if !ok {
		return &progress{}
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return &progress{}
	}
	return &progress{w: f}
}

// start begins showing progress of reading name (size bytes, 0 if
// unknown; read counts the bytes read so far) and returns the function
// that stops it and clears the line.
func (p *progress) start(name string, size int64, read *atomic.Int64) (stop func()) {
	return p.show(func(elapsed time.Duration) string {
		n := read.Load()
		if size > 0 {
			return fmt.Sprintf("sgsim replay: %s: %d%% of %.1f MB, %s", name, n*100/size, float64(size)/1e6, elapsed.Round(time.Second))
		}
		return fmt.Sprintf("sgsim replay: %s: %.1f MB read, %s", name, float64(n)/1e6, elapsed.Round(time.Second))
	})
}

// show prints line(elapsed) every second, from the first second on,
// over itself, and returns the function that stops it and clears the
// line; calling that function again does nothing.
func (p *progress) show(line func(elapsed time.Duration) string) (stop func()) {
	if p.w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	shown := false
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		begin := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r%-79s", line(time.Since(begin)))
				shown = true
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			if shown {
				fmt.Fprintf(p.w, "\r%79s\r", "")
			}
		})
	}
}

// phase shows, on a terminal, what a step that has taken more than a
// second is doing and for how long, until the returned function is
// called.
func (p *progress) phase(what string) (stop func()) {
	return p.show(func(elapsed time.Duration) string {
		return fmt.Sprintf("sgsim %s, %s", what, elapsed.Round(time.Second))
	})
}

// count shows, on a terminal, what a step is doing, how many of its
// units are done (done of total, units such as "rules") and for how
// long, until the returned function is called.
func (p *progress) count(what, units string, done, total *atomic.Int64) (stop func()) {
	return p.show(func(elapsed time.Duration) string {
		return fmt.Sprintf("sgsim %s: %d of %d %s, %s", what, done.Load(), total.Load(), units, elapsed.Round(time.Second))
	})
}
