package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// TestAccDeviceBatchStatus_waitLogsEveryPoll runs a wait with TF_LOG=INFO
// and finds each poll's status in the log, as the wait_for_completion
// description promises. It runs alone: Terraform's log settings are the
// process's.
func TestAccDeviceBatchStatus_waitLogsEveryPoll(t *testing.T) {
	em := newWaitingEmulator(t)
	log := terraformLog(t, "INFO", nil, resource.TestStep{
		Config:            em.providerConfig() + waitConfig(""),
		ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished_with_errors"))},
	})
	// The first read's polls, in order; the fields come in any order.
	var polls []string
	firstRead := ""
	field := regexp.MustCompile(`\b(\w+)=(\S+)`)
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "[INFO]") || !strings.Contains(line, "Polled device batch status: ") {
			continue
		}
		fields := map[string]string{}
		for _, m := range field.FindAllStringSubmatch(line, -1) {
			fields[m[1]] = m[2]
		}
		if firstRead == "" {
			firstRead = fields["tf_req_id"]
		}
		if fields["tf_req_id"] != firstRead {
			continue
		}
		if fields["customer_id"] != emulator.SeedCustomerID || fields["batch_tracking_id"] != emulator.ScheduledBatchTrackingID {
			t.Errorf("poll logged with IDs %s/%s: %s", fields["customer_id"], fields["batch_tracking_id"], line)
		}
		polls = append(polls, fields["status"]+" "+fields["device_count"]+" devices "+fields["failed_devices"]+" failed")
	}
	want := []string{"queued 4 devices 0 failed", "processing 4 devices 0 failed", "processing 4 devices 1 failed", "finished_with_errors 4 devices 2 failed"}
	if strings.Join(polls, "; ") != strings.Join(want, "; ") {
		t.Errorf("the wait's INFO lines say\n%s\nwant\n%s", strings.Join(polls, "\n"), strings.Join(want, "\n"))
	}
}
