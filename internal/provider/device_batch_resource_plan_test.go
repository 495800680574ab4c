package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// maxPlanLinesForTwoDevices is how many lines the plan of a 600-device
// batch may show for the resource when one device is added and another
// removed: about what two devices take, whatever the batch's size.
const maxPlanLinesForTwoDevices = 40

// TestPlanShowsOnlyTheDevicesThatChange applies a batch of 600 devices with
// the real CLI, then plans one device removed and another added: the plan
// Terraform prints for the resource names those two keys, no other, in at
// most maxPlanLinesForTwoDevices lines. The IDs of the devices kept stay
// known, and no per-device result of the creation is shown going away.
func TestPlanShowsOnlyTheDevicesThatChange(t *testing.T) {
	examples := newExampleRunner(t)
	t.Parallel()
	em := newUploadEmulator(t)
	work := t.TempDir()
	config := fmt.Sprintf(`
variable "first" {
  type = number
}

resource "partnercenter_device_batch" "big" {
  customer_id = %q
  batch_id    = "Six hundred"
  devices = {
    for n in range(var.first, var.first + 600) : format("SN-%%04d", n) => {
      hardware_hash = base64encode("hardware hash of ${format("SN-%%04d", n)}")
      serial_number = format("SN-%%04d", n)
    }
  }
}
`, emulator.SeedCustomerID)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(credentialFreeEnvironment(), em.userEnvironment()...)
	if out, err := examples.run(t, work, env, "apply", "-auto-approve", "-input=false", "-no-color", "-var", "first=0"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	out, err := examples.run(t, work, env, "plan", "-input=false", "-no-color", "-var", "first=1")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	start := strings.Index(out, "  # partnercenter_device_batch.big will be updated in-place")
	end := strings.Index(out, "\nPlan: 0 to add, 1 to change, 0 to destroy.")
	if start < 0 || end < start {
		t.Fatalf("plan does not update the batch in place:\n%s", out)
	}
	shown := strings.TrimSpace(out[start:end])
	if lines := strings.Count(shown, "\n") + 1; lines > maxPlanLinesForTwoDevices {
		t.Errorf("the plan shows %d lines for the batch, want at most %d:\n%s", lines, maxPlanLinesForTwoDevices, shown)
	}
	for _, key := range []string{`"SN-0000"`, `"SN-0600"`} {
		if !strings.Contains(shown, key) {
			t.Errorf("the plan does not name %s:\n%s", key, shown)
		}
	}
	if strings.Contains(shown, `"SN-0001"`) || strings.Contains(shown, `"SN-0599"`) {
		t.Errorf("the plan names devices that do not change:\n%s", shown)
	}
}

// TestSavedPlanAppliedAfterADeviceWasDeleted plans with the real CLI, saves
// the plan, deletes in Partner Center a device the plan keeps, and applies
// the saved plan: the apply does what the plan showed and succeeds, with a
// warning naming the device, rather than ending in an inconsistent result;
// the next plan offers to upload that device again.
func TestSavedPlanAppliedAfterADeviceWasDeleted(t *testing.T) {
	examples := newExampleRunner(t)
	t.Parallel()
	em := newUploadEmulator(t)
	work := t.TempDir()
	config := func(serials ...string) {
		t.Helper()
		devices := make([]keyedDevice, len(serials))
		for i, s := range serials {
			devices[i] = csvDevice(s)
		}
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(keyedBatchConfig("Saved plan", devices)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := append(credentialFreeEnvironment(), em.userEnvironment()...)
	run := func(args ...string) string {
		t.Helper()
		out, err := examples.run(t, work, env, append([]string{args[0], "-input=false", "-no-color"}, args[1:]...)...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	config("SN-1", "SN-2")
	run("apply", "-auto-approve")
	config("SN-1", "SN-2", "SN-3")
	run("plan", "-out=saved.tfplan")
	for _, d := range em.Devices(emulator.SeedCustomerID, "Saved plan") {
		if d.SerialNumber == "SN-2" {
			if err := em.DeleteDevice(emulator.SeedCustomerID, "Saved plan", d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := run("apply", "saved.tfplan")
	if !strings.Contains(out, "Devices deleted since the plan") || !strings.Contains(out, `devices["SN-2"]`) {
		t.Errorf("the apply does not warn of SN-2, deleted since the plan:\n%s", out)
	}
	if got := heldNames(em, "Saved plan"); !slices.Equal(got, []string{"SN-1", "SN-3"}) {
		t.Errorf("the batch holds %v after the saved plan, want SN-1 and SN-3", got)
	}
	if out := run("plan"); !strings.Contains(out, `+ "SN-2" = {`) {
		t.Errorf("the plan after does not offer SN-2 again:\n%s", out)
	}
}
