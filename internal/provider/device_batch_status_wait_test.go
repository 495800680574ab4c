package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// newWaitingEmulator is an emulator whose scheduled batch moves on one step
// per read, for a provider that polls every few milliseconds (see
// fastPolling): the first poll sees it queued, the second and third
// processing (no device done, then two) and the fourth finished_with_errors,
// however long the polls take.
func newWaitingEmulator(t *testing.T) *testEmulator {
	t.Helper()
	em := newTestEmulator(t)
	em.SetStepPerRead(time.Second)
	if err := em.ScheduleBatch(emulator.SeedCustomerID, emulator.DemoBatchSchedule(time.Second, 500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	return em
}

// batchReads counts the Partner Center requests for a batch.
func (e *testEmulator) batchReads(trackingID string) int {
	n := 0
	for _, r := range e.Requests() {
		if strings.HasSuffix(strings.ToLower(r.Path), "/batchjobstatus/"+trackingID) {
			n++
		}
	}
	return n
}

func waitConfig(extra string) string {
	return fmt.Sprintf(`
data "partnercenter_device_batch_status" "test" {
  customer_id         = %q
  batch_tracking_id   = %q
  wait_for_completion = true
%s
}
`, emulator.SeedCustomerID, emulator.ScheduledBatchTrackingID, extra)
}

func TestAccDeviceBatchStatus_waitForCompletion(t *testing.T) {
	em := newWaitingEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + waitConfig(""),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("status", knownvalue.StringExact("finished_with_errors")),
				expect("completed", knownvalue.Bool(true)),
				expect("device_count", knownvalue.Int64Exact(4)),
				expect("failed_device_count", knownvalue.Int64Exact(2)),
				expect("device_status_counts", knownvalue.MapExact(map[string]knownvalue.Check{
					"finished":             knownvalue.Int64Exact(2),
					"finished_with_errors": knownvalue.Int64Exact(2),
				})),
				expect("wait_for_completion", knownvalue.Bool(true)),
				expect("location", knownvalue.Null()),
			},
			// queued, processing twice, then finished: one read per state
			// (and one more for the refresh before the plan's check).
			Check: func(*terraform.State) error {
				if n := em.batchReads(emulator.ScheduledBatchTrackingID); n < 4 {
					return fmt.Errorf("%d reads of the batch, want at least 4 (queued, processing twice, finished)", n)
				}
				return nil
			},
		}},
	})
}

// A poll that meets throttling or an outage is retried within the poll,
// and the wait goes on to the batch's final status.
func TestAccDeviceBatchStatus_waitRidesOutThrottling(t *testing.T) {
	em := newWaitingEmulator(t)
	em.InjectFaults(batchRoute,
		emulator.Fault{}, // the first poll sees the batch queued
		emulator.Fault{Status: http.StatusTooManyRequests, Header: fastRetry},
		emulator.Fault{Status: http.StatusServiceUnavailable, Header: fastRetry},
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + waitConfig(""),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("status", knownvalue.StringExact("finished_with_errors")),
				expect("failed_device_count", knownvalue.Int64Exact(2)),
			},
			// The second poll took three attempts under one MS-RequestId.
			Check: func(*terraform.State) error {
				polls := map[string]int{}
				for _, r := range em.Requests() {
					if strings.Contains(strings.ToLower(r.Path), "/batchjobstatus/") {
						polls[r.Header.Get("MS-RequestId")]++
					}
				}
				for id, n := range polls {
					if n == 3 && em.Attempts(id) == 3 {
						return nil
					}
				}
				return fmt.Errorf("no poll was attempted three times: %v", polls)
			},
		}},
	})
}

func TestAccDeviceBatchStatus_deviceStatusCountsWhileProcessing(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.ProcessingBatchTrackingID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("device_status_counts", knownvalue.MapExact(map[string]knownvalue.Check{
						"finished":   knownvalue.Int64Exact(1),
						"processing": knownvalue.Int64Exact(1),
					})),
				},
			},
			{
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.QueuedBatchTrackingID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("device_status_counts", knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
		},
	})
}

func TestAccDeviceBatchStatus_failOnDeviceErrors(t *testing.T) {
	em := newWaitingEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: em.providerConfig() + waitConfig("  fail_on_device_errors = true"),
				ExpectError: errorPattern(`(?s)Devices failed to upload.*finished_with_errors: 2 of 4 device\(s\) failed` +
					`.*serial number SCHED-0002: error 806 ZtdDeviceAlreadyAssigned` +
					`.*serial number SCHED-0004: error 808 ZtdDeviceAssignedToOtherTenant`),
			},
			{
				// The seed page's batch says finished, yet a device failed.
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "  fail_on_device_errors = true"),
				ExpectError: errorPattern(`(?s)Devices failed to upload.*is finished: 1 of 1 device\(s\) failed` +
					`.*serial number 1234567890: error 808 ZtdDeviceAssignedToOtherTenant`),
			},
			{
				Config: em.providerConfig() + waitConfig("  fail_on_device_errors = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", knownvalue.StringExact("finished_with_errors")),
					expect("fail_on_device_errors", knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccDeviceBatchStatus_failOnDeviceErrorsListsTenThenCounts(t *testing.T) {
	em := newTestEmulator(t)
	const tracking = "6c1f0e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
	// The first is identified by product key only, and listed by it.
	devices := []string{`{"productKey":"11111-22222-33333-44444-55555","status":"finished_with_errors","errorCode":"808"}`}
	for i := 2; i <= 13; i++ {
		devices = append(devices, fmt.Sprintf(`{"serialNumber":"SN-%02d","status":"finished_with_errors","errorCode":"806","errorDescription":"ZtdDeviceAlreadyAssigned"}`, i))
	}
	devices = append(devices, `{"serialNumber":"SN-OK","status":"finished"}`)
	body := `{"batchTrackingId":"` + tracking + `","status":"finished_with_errors","devicesStatus":[` + strings.Join(devices, ",") + `]}`
	if err := em.PutBatch(emulator.SeedCustomerID, []byte(body)); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, tracking, "  fail_on_device_errors = true"),
			ExpectError: errorPattern(`(?s)13 of 14 device\(s\) failed.*product key 11111-22222-33333-44444-55555: error 808\n` +
				`.*serial number SN-10: error 806 ZtdDeviceAlreadyAssigned\s+and 3 more`),
		}},
	})
}

func TestAccDeviceBatchStatus_waitTimesOutWithTheLastStatus(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			// The processing fixture never finishes.
			Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.ProcessingBatchTrackingID, `  wait_for_completion = true

  timeouts {
    read = "1s"
  }`),
			// The wait is timed from its own start, after the read's deadline
			// is set: under load it rounds to 900ms.
			ExpectError: errorPattern(`(?s)Timed out waiting for the device batch to finish.*` + emulator.ProcessingBatchTrackingID +
				`.*did not finish within timeouts \{ read \}\s+=\s+1s: gave up waiting for the batch after (900ms|1(\.\d)?s) and \d+ poll\(s\): its last\s+status was "processing", with 1 of 2 device\(s\) finished`),
		}},
	})
}

func TestAccDeviceBatchStatus_location(t *testing.T) {
	em := newTestEmulator(t)
	ids := emulator.SeedCustomerID + "/batchJobStatus/" + emulator.SeedBatchTrackingID
	var steps []resource.TestStep
	for _, location := range []string{
		"/customers/" + ids,
		"/v1/customers/" + ids,
		"customers/" + ids + "/",
		"/V1/CUSTOMERS/" + emulator.SeedCustomerID + "/batchjobstatus/" + emulator.SeedBatchTrackingID,
		"https://api.partnercenter.microsoft.com/v1/customers/" + ids,
		em.URL + "/customers/" + ids,
		" /customers/" + ids + "\n",
	} {
		steps = append(steps, resource.TestStep{
			Config: em.providerConfig() + fmt.Sprintf(`
data "partnercenter_device_batch_status" "test" {
  location = %q
}
`, location),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("location", knownvalue.StringExact(location)),
				expect("customer_id", knownvalue.StringExact(emulator.SeedCustomerID)),
				expect("batch_tracking_id", knownvalue.StringExact(emulator.SeedBatchTrackingID)),
				expect("id", knownvalue.StringExact(emulator.SeedCustomerID+"/"+emulator.SeedBatchTrackingID)),
				expect("status", knownvalue.StringExact("finished")),
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(nil), Steps: steps})
}

func TestAccDeviceBatchStatus_locationRefusedAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	path := "/customers/" + emulator.SeedCustomerID + "/batchJobStatus/" + emulator.SeedBatchTrackingID
	var steps []resource.TestStep
	for _, tc := range []struct{ body, wantErr string }{
		{`location = "/customers/` + emulator.SeedCustomerID + `"`,
			`Invalid batch location.*location: "/customers/` + emulator.SeedCustomerID + `" does not have the form\s+/customers/\{customer-id\}/batchJobStatus/\{batch-tracking-id\}`},
		{`location = "/customers/not-a-guid/batchJobStatus/` + emulator.SeedBatchTrackingID + `"`, `Invalid batch location.*the customer ID "not-a-guid" is\s+not a GUID`},
		{`location = "/api/v2` + path + `"`, `Invalid batch location.*has "/api/v2" before /customers`},
		{`location = "` + path + `?x=1"`, `Invalid batch location.*must not contain a query or fragment`},
		{`location = ""`, `Invalid batch location.*not empty`},
		{`location = "` + path + `"
  customer_id = "` + emulator.SeedCustomerID + `"`, `Conflicting batch arguments.*customer_id = .*location and customer_id both name the batch: name it in exactly one way, location alone, or both customer_id and batch_tracking_id\.`},
		{`location = "` + path + `"
  batch_tracking_id = "` + emulator.SeedBatchTrackingID + `"`, `Conflicting batch arguments.*batch_tracking_id = .*location and batch_tracking_id both name the batch`},
		{`customer_id = "` + emulator.SeedCustomerID + `"`, `Missing batch_tracking_id.*customer_id = .*customer_id is set without batch_tracking_id: set both, or location alone\.`},
		{`batch_tracking_id = "` + emulator.SeedBatchTrackingID + `"`, `Missing customer_id.*batch_tracking_id = .*batch_tracking_id is set without customer_id: set both, or location alone\.`},
		{``, `Missing batch arguments.*Name the batch in exactly one way: location alone, or both customer_id and batch_tracking_id\.`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      em.providerConfig() + "data \"partnercenter_device_batch_status\" \"test\" {\n  " + tc.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: errorPattern(`(?s)` + tc.wantErr),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(nil), Steps: steps})
	if n := em.batchReads(emulator.SeedBatchTrackingID); n != 0 {
		t.Errorf("%d batch reads: a refused configuration reached Partner Center", n)
	}
}

func TestAccDeviceBatchStatus_locationUnknownAtPlanTime(t *testing.T) {
	em := newWaitingEmulator(t)
	// As in a pipeline: the Location comes from the upload, known at apply.
	config := em.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "upload" {
  input = "/customers/%s/batchJobStatus/%s"
}

data "partnercenter_device_batch_status" "test" {
  location            = terraform_data.upload.output
  wait_for_completion = true
}
`, emulator.SeedCustomerID, emulator.ScheduledBatchTrackingID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expect("batch_tracking_id", knownvalue.StringExact(emulator.ScheduledBatchTrackingID)),
				expect("status", knownvalue.StringExact("finished_with_errors")),
			},
		}},
	})
}

func TestAccDeviceBatchStatus_postconditionFailsThePlan(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig() + fmt.Sprintf(`
data "partnercenter_device_batch_status" "test" {
  customer_id       = %q
  batch_tracking_id = %q

  lifecycle {
    postcondition {
      condition     = self.failed_device_count == 0
      error_message = "Batch ${self.batch_tracking_id} has ${self.failed_device_count} failed device(s)."
    }
  }
}
`, emulator.SeedCustomerID, emulator.SeedBatchTrackingID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: errorPattern(`(?s)Resource postcondition failed.*Batch ` + emulator.SeedBatchTrackingID + ` has 1 failed device\(s\)\.`),
		}},
	})
}

// errorPattern compiles a multi-line pattern in which every space matches
// any white space, because Terraform wraps diagnostics to its terminal width.
func errorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(strings.TrimPrefix(pattern, `(?s)`), " ", `\s+`))
}
