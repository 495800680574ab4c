package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

func TestAccDeviceBatches_listsEveryBatch(t *testing.T) {
	em := newTestEmulator(t)
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Contoso laptops", emulatorDevice("SN-1"), emulatorDevice("SN-2")); err != nil {
		t.Fatal(err)
	}
	if _, err := em.AddDevices(emulator.SeedCustomerID, "Contoso tablets", emulatorDevice("SN-3")); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + fmt.Sprintf(`
data "partnercenter_device_batches" "test" {
  customer_id = %q
}
`, emulator.SeedCustomerID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.partnercenter_device_batches.test", tfjsonpath.New("batches"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"batch_id": knownvalue.StringExact("Contoso laptops"), "device_count": knownvalue.Int64Exact(2)}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"batch_id": knownvalue.StringExact("Contoso tablets"), "device_count": knownvalue.Int64Exact(1)}),
				})),
				statecheck.ExpectKnownValue("data.partnercenter_device_batches.test", tfjsonpath.New("id"), knownvalue.StringExact(emulator.SeedCustomerID)),
			},
		}},
	})
}

// TestAccListDataSources_customerNotFound: a 404 for a customer's
// collection names the customer, the one entity such a read can miss.
func TestAccListDataSources_customerNotFound(t *testing.T) {
	for name, tc := range map[string]struct{ route, dataSource string }{
		"batches":  {emulator.DeviceBatchesRoute, "partnercenter_device_batches"},
		"policies": {emulator.PoliciesRoute, "partnercenter_configuration_policies"},
	} {
		t.Run(name, func(t *testing.T) {
			em := newTestEmulator(t)
			em.InjectFaults(tc.route, emulator.Fault{Status: http.StatusNotFound})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config: em.providerConfig() + fmt.Sprintf("data %q \"test\" {\n  customer_id = %q\n}\n", tc.dataSource, emulator.SeedCustomerID),
					ExpectError: errorPattern(`Customer not found.*Partner Center has no customer ` + emulator.SeedCustomerID +
						`\.\s+HTTP status: 404 Not Found.*Check customer_id\.`),
				}},
			})
		})
	}
}
