package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// adopt takes on an existing batch for Create when every device it holds
// is among devices, with a warning naming it, linking each held device into
// linked; it returns the devices still to upload, and those the batch
// holds. An empty batch is adopted too: Partner Center cannot delete a
// batch, so one is left behind by every destroy and by a first upload whose
// every device failed; a device that another client's queued upload adds
// to it later shows at the next refresh as one to delete, before anything
// deletes it. A batch holding a device the configuration does not name is
// refused with an error showing the import to use, and adopt returns nil.
func (r *deviceBatchResource) adopt(ctx context.Context, client *partnercenter.Client, ops batchOperations, devices []configuredDevice,
	linked map[string]string, diags *diag.Diagnostics) (upload []configuredDevice, held []partnercenter.Device) {
	held, err := client.ListDevices(ctx, ops.customerID, ops.batchID)
	if err != nil {
		diags.Append(ops.listDevices().errorDiagnostic(err))
		return nil, nil
	}
	h := newHeldDevices(held)
	missing := []configuredDevice{}
	for _, e := range devices {
		if id, ok := h.claimMatch(e); ok {
			linked[e.key] = id
		} else {
			missing = append(missing, e)
		}
	}
	// A device the batch holds that several entries could be is not
	// taken for the first of them.
	configured := partnercenter.NewDeviceIndex(plainDevices(devices))
	for _, d := range held {
		if found := configured.Candidates(d); len(found) > 1 {
			m := ambiguousMatch{held: []partnercenter.Device{d}}
			for _, i := range found {
				m.entry = devices[i]
				h.ambiguous = append(h.ambiguous, m)
			}
		}
	}
	if len(h.ambiguous) > 0 {
		diags.AddError("Existing device batch not adopted", fmt.Sprintf("Partner Center already has batch %q for customer %s. %s\n\n"+
			"Nothing was changed: the provider adopts an existing batch only when it can tell which device is which.",
			ops.batchID, ops.customerID, h.ambiguity(ops.batchID)))
		return nil, nil
	}
	if unnamed := h.unclaimed(); len(unnamed) > 0 {
		diags.Append(adoptionRefused(ops.customerID, ops.batchID, unnamed))
		return nil, nil
	}
	diags.Append(adoptionWarning(ops.customerID, ops.batchID, len(held), len(missing)))
	return missing, held
}

// adoptionWarning is the warning of a create that adopts the existing batch
// batchID, holding held devices, all of them configured, and uploads
// missing more.
func adoptionWarning(customerID, batchID string, held, missing int) diag.Diagnostic {
	if held == 0 {
		return diag.NewWarningDiagnostic("Existing empty device batch adopted",
			fmt.Sprintf("Partner Center already had batch %q for customer %s, holding no devices, as a destroy or a first upload whose "+
				"every device failed leaves it (Partner Center cannot delete a batch): the resource manages that batch from now on and "+
				"uploads the %d configured device(s) to it. Should another client's upload to it still be queued, its devices show "+
				"at the next plan as devices to delete.", batchID, customerID, missing))
	}
	return diag.NewWarningDiagnostic("Existing device batch adopted",
		fmt.Sprintf("Partner Center already had batch %q for customer %s, holding %d device(s), all of them in devices: the resource "+
			"manages that batch from now on and uploads the %d device(s) it lacks.", batchID, customerID, held, missing))
}

// adoptionRefused is the error of a create that finds the batch holding
// devices the configuration does not name.
func adoptionRefused(customerID, batchID string, unnamed []partnercenter.Device) diag.Diagnostic {
	var b strings.Builder
	for _, d := range unnamed[:min(len(unnamed), maxListedFailedDevices)] {
		fmt.Fprintf(&b, "  - %s (ID %s)\n", nameDevice(d), d.ID)
	}
	if rest := len(unnamed) - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	id := customerID + "/" + batchID
	return diag.NewErrorDiagnostic("Device batch already exists",
		fmt.Sprintf("Partner Center already has batch %q for customer %s, holding %d device(s) the configuration does not name:\n\n%s\n"+
			"Nothing was changed. The provider adopts an existing batch only when every device it holds is named in devices. "+
			"To manage this batch with Terraform, import it (its devices are then named by their serial numbers, and the next plan "+
			"shows what the configuration changes):\n\n"+
			"  import {\n    to = partnercenter_device_batch.<name>\n    id = %q\n  }\n\n"+
			"or run terraform import partnercenter_device_batch.<name> %q; or choose another batch_id.",
			batchID, customerID, len(unnamed), b.String(), id, id))
}
