package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// throttledCustomers is how many customers TestAccMultiCustomer_throttled
// serves in one apply.
const throttledCustomers = 20

// TestAccMultiCustomer_throttled applies one configuration for 20
// customers, found with partnercenter_customers, whose every batch creation
// Partner Center first answers 429 with Retry-After: each customer's batch
// is created once, with its devices once, and the plan after shows no
// change.
func TestAccMultiCustomer_throttled(t *testing.T) {
	em := newUploadEmulator(t)
	customers := make([]emulator.Customer, throttledCustomers)
	for i := range customers {
		customers[i] = emulator.Customer{
			ID:          fmt.Sprintf("c0570000-0000-4000-8000-%012d", i),
			CompanyName: fmt.Sprintf("Throttled %02d", i),
			Domain:      fmt.Sprintf("throttled%02d.onmicrosoft.com", i),
		}
		em.InjectFaults("/v1/customers/"+customers[i].ID+"/deviceBatches", emulator.Fault{
			Method: http.MethodPost, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}},
		})
	}
	mustAddCustomers(t, em, customers...)
	config := em.userProviderConfig() + `
data "partnercenter_customers" "throttled" {
  domain_prefix = "throttled"
}

resource "partnercenter_device_batch" "laptops" {
  # count, not for_each: terraform-plugin-testing's state checks do not
  # support for_each keys.
  count = length(data.partnercenter_customers.throttled.ids)

  customer_id = data.partnercenter_customers.throttled.ids[count.index]
  batch_id    = "Laptops"
  devices = {
    for serial in ["SN-1", "SN-2"] : serial => {
      hardware_hash = base64encode("hardware hash of ${serial} of customer ${count.index}")
      serial_number = serial
    }
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{Config: config, Check: func(*terraform.State) error {
				// Before the test's destroy deletes them.
				for _, c := range customers {
					if devices := em.Devices(c.ID, "Laptops"); len(devices) != 2 {
						return fmt.Errorf("customer %s holds %d devices, want SN-1 and SN-2 once each: %+v", c.Domain, len(devices), devices)
					}
				}
				return nil
			}},
			{Config: config, PlanOnly: true},
		},
	})
	for _, c := range customers {
		var throttled, created int
		requestIDs := map[string]bool{}
		for _, r := range partnerCenterRequests(em.Emulator) {
			if r.Method == http.MethodPost && strings.EqualFold(r.Path, "/v1/customers/"+c.ID+"/deviceBatches") {
				created++
				requestIDs[r.Header.Get("MS-RequestId")] = true
			}
		}
		throttled = created - 1
		if created != 2 || len(requestIDs) != 1 {
			t.Errorf("customer %s: %d batch creations (%d throttled) under %d MS-RequestIds, want the throttled one retried once under its own",
				c.Domain, created, throttled, len(requestIDs))
		}
	}
}
