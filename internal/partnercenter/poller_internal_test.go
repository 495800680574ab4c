package partnercenter

import (
	"testing"
	"time"
)

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
