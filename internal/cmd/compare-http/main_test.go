package main

import (
	"strings"
	"testing"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

func TestMedian(t *testing.T) {
	if got := median([]time.Duration{5, 1, 4, 2, 3}); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
	if got := median([]time.Duration{7}); got != 7 {
		t.Errorf("median of one = %v, want 7", got)
	}
}

// Both configurations read the same batches and sum the same failures.
func TestConfigurationsReadTheSameBatches(t *testing.T) {
	em := emulator.New()
	ids, err := putBatches(em, 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	provider, generic := providerConfig("http://127.0.0.1:1", "token", ids), httpConfig("http://127.0.0.1:1", "token", ids)
	for _, id := range ids {
		if !strings.Contains(provider, `batch_tracking_id = "`+id+`"`) || !strings.Contains(generic, "/batchJobStatus/"+id+`"`) {
			t.Errorf("batch %s is not read by both configurations", id)
		}
	}
	if n := strings.Count(generic, `Authorization = "Bearer token"`); n != 3 {
		t.Errorf("%d http reads carry the token, want 3", n)
	}
	for _, want := range []string{"failed_device_count", `device.status == "finished_with_errors"`} {
		if !strings.Contains(provider+generic, want) {
			t.Errorf("the configurations lack %q", want)
		}
	}
}
