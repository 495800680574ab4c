package partnercenter

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for value, want := range map[string]struct {
		d  time.Duration
		ok bool
	}{
		"":                              {0, false},
		"7":                             {7 * time.Second, true},
		" 1 ":                           {time.Second, true},
		"0":                             {0, true},
		"-3":                            {0, false},
		"soon":                          {0, false},
		"Fri, 02 Jan 2026 03:04:35 GMT": {30 * time.Second, true},
		"Fri, 02 Jan 2026 03:00:00 GMT": {0, true},
	} {
		h := http.Header{}
		if value != "" {
			h.Set("Retry-After", value)
		}
		if d, ok := retryAfter(h, now); d != want.d || ok != want.ok {
			t.Errorf("Retry-After %q read as %v, %v; want %v, %v", value, d, ok, want.d, want.ok)
		}
	}
}

func TestJitterStaysWithinAFifth(t *testing.T) {
	for range 1000 {
		if d := jitter(10 * time.Second); d < 8*time.Second || d > 12*time.Second {
			t.Fatalf("jitter(10s) = %v, outside 8s..12s", d)
		}
	}
}

func TestWaitOptionsDefaults(t *testing.T) {
	o := WaitOptions{}.withDefaults()
	if o.InitialDelay != 2*time.Second || o.MaxDelay != 30*time.Second || o.MinRetryAfter != time.Second {
		t.Errorf("defaults %+v, want 2s doubling to 30s, Retry-After at least 1s", o)
	}
	if o := (WaitOptions{InitialDelay: time.Minute}).withDefaults(); o.MaxDelay != time.Minute {
		t.Errorf("MaxDelay %v below InitialDelay 1m", o.MaxDelay)
	}
}
