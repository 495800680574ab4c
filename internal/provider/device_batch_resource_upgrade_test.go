package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// deviceBatchStateV0 is a state of partnercenter_device_batch as version 0
// of the schema wrote it: devices a list; a device by hash and serial
// number, one by product key, one by hash alone, which uploaded_devices,
// listing no hashes, cannot tell.
const deviceBatchStateV0 = `{
  "id": "47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops",
  "customer_id": "47021739-3426-40bf-9601-61b4b6d7c793",
  "batch_id": "Contoso laptops",
  "devices": [
    {"hardware_hash": "aGFzaCAx", "serial_number": "SN-1", "product_key": null, "oem_manufacturer_name": null, "model_name": null},
    {"hardware_hash": null, "serial_number": null, "product_key": "PK-2", "oem_manufacturer_name": null, "model_name": null},
    {"hardware_hash": "aGFzaCAz", "serial_number": null, "product_key": null, "oem_manufacturer_name": null, "model_name": null}
  ],
  "fail_on_device_errors": true,
  "accepted_error_codes": null,
  "timeouts": null,
  "uploaded_devices": [
    {"id": "d-1", "serial_number": "SN-1", "product_key": null, "oem_manufacturer_name": "Contoso", "model_name": "7",
     "uploaded_date": "2026-11-30T10:00:00Z", "oobe_policy_id": null},
    {"id": "d-2", "serial_number": null, "product_key": "PK-2", "oem_manufacturer_name": null, "model_name": null,
     "uploaded_date": "2026-11-30T10:00:00Z", "oobe_policy_id": null},
    {"id": "d-3", "serial_number": "EMU1", "product_key": null, "oem_manufacturer_name": null, "model_name": null,
     "uploaded_date": "2026-11-30T10:00:00Z", "oobe_policy_id": null}
  ],
  "device_count": 3,
  "created_by": "admin@contoso.onmicrosoft.com",
  "creation_date": "2026-11-30T10:00:00Z",
  "last_upload": {
    "batch_tracking_id": "t-1", "location": "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/t-1",
    "status": "finished", "started_time": null, "completed_time": null, "failed_device_count": 0, "accepted_device_count": 0,
    "devices_status": []
  }
}`

// TestDeviceBatchStateUpgradesFromTheList upgrades a version 0 state: each
// device keyed as autopilot_devices() keys it, with the ID of the device of
// uploaded_devices it matches, and last_upload's one location in locations;
// a configuration in the map form with those keys then plans no change.
func TestDeviceBatchStateUpgradesFromTheList(t *testing.T) {
	ctx := context.Background()
	p := providerserver.NewProtocol6(New("test")())()
	schemas, err := p.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schema := schemas.ResourceSchemas["partnercenter_device_batch"]
	if schema.Version != 1 {
		t.Fatalf("schema version %d, want 1", schema.Version)
	}
	typ := schema.ValueType()
	upgraded, err := p.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "partnercenter_device_batch", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(deviceBatchStateV0)},
	})
	if err != nil || len(upgraded.Diagnostics) > 0 {
		t.Fatal(err, upgraded.Diagnostics)
	}
	state, err := upgraded.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attributes map[string]tftypes.Value
	if err := state.As(&attributes); err != nil {
		t.Fatal(err)
	}
	var devices, ids map[string]tftypes.Value
	if err := attributes["devices"].As(&devices); err != nil {
		t.Fatal(err)
	}
	if err := attributes["device_ids"].As(&ids); err != nil {
		t.Fatal(err)
	}
	for key, wantID := range map[string]string{"SN-1": "d-1", "PK-2": "d-2", "device (2)": ""} {
		if _, ok := devices[key]; !ok {
			t.Errorf("no device under %q: %v", key, devices)
		}
		var id string
		if v, ok := ids[key]; ok {
			_ = v.As(&id)
		}
		if id != wantID {
			t.Errorf("device_ids[%q] = %q, want %q", key, id, wantID)
		}
	}
	var lastUpload map[string]tftypes.Value
	var locations []tftypes.Value
	if err := attributes["last_upload"].As(&lastUpload); err != nil || lastUpload["locations"].As(&locations) != nil || len(locations) != 1 {
		t.Errorf("last_upload %v, want its location in locations", attributes["last_upload"])
	}

	// The configuration moved to the map form, with the same keys.
	config := objectValue(typ, map[string]tftypes.Value{
		"customer_id": attributes["customer_id"],
		"batch_id":    attributes["batch_id"],
		"devices":     attributes["devices"],
	})
	planned, err := p.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "partnercenter_device_batch", PriorState: upgraded.UpgradedState, ProposedNewState: upgraded.UpgradedState,
		Config: dynamicValue(t, typ, config),
	})
	if err != nil || len(planned.Diagnostics) > 0 {
		t.Fatal(err, planned.Diagnostics)
	}
	if err := sameValue(typ, planned.PlannedState, upgraded.UpgradedState); err != nil {
		t.Errorf("the plan changes the upgraded state: %v", err)
	}
}
