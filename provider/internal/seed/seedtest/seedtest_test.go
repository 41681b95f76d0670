package seedtest

import "testing"

// The cases of the alibaba and tencent seed tests, together.
func TestCheckPorts(t *testing.T) {
	for _, ok := range []string{"", "80", "30000-32768", "80,443", "443,80", "1-65535"} {
		if msg := CheckPorts(ok); msg != "" {
			t.Errorf("CheckPorts(%q) = %q, want ok", ok, msg)
		}
	}
	for _, bad := range []string{"-1/-1", "80, 443", "0", "65536", "10-5", "a", "80,", "30000 - 32768",
		"-", "30000–32768", "17443,50055, 443"} {
		if CheckPorts(bad) == "" {
			t.Errorf("CheckPorts(%q) accepted", bad)
		}
	}
}
