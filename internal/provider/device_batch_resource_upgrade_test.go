package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// deviceBatchStateV0 is a state of partnercenter_device_batch as version 0
// of the schema wrote it: devices a list; a device by hash and serial
// number, one by product key, one by hash alone, which has nothing in
// common with its device of uploaded_devices, listed without hashes, and
// no result of last_upload names; it is the one device left.
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
// device keyed as autopilot_devices() keys it, else by its ID, with the ID of
// the device of uploaded_devices it matches, or that is left, and
// last_upload's one location in locations; a configuration in the map form
// with those keys then plans no change.
func TestDeviceBatchStateUpgradesFromTheList(t *testing.T) {
	ctx := context.Background()
	p := NewServer("test")()
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
	for key, wantID := range map[string]string{"SN-1": "d-1", "PK-2": "d-2", "d-3": "d-3"} {
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

// TestUpgradeLinksDevicesByTheLastUploadAndWhatIsLeft upgrades version 0
// states whose hash-only devices have nothing in common with the devices
// of uploaded_devices, listed without hashes: each is linked by its place
// among the results of last_upload, or as the one device left, unless
// what it holds contradicts the device of that ID or it failed.
func TestUpgradeLinksDevicesByTheLastUploadAndWhatIsLeft(t *testing.T) {
	device := func(hash, serial, productKey string) string {
		return fmt.Sprintf(`{"hardware_hash":%s,"serial_number":%s,"product_key":%s,"oem_manufacturer_name":null,"model_name":null}`,
			jsonString(hash), jsonString(serial), jsonString(productKey))
	}
	held := func(id, serial, productKey string) string {
		return fmt.Sprintf(`{"id":%q,"serial_number":%s,"product_key":%s,"oem_manufacturer_name":null,"model_name":null,`+
			`"uploaded_date":"2026-11-30T10:00:00Z","oobe_policy_id":"p-1"}`, id, jsonString(serial), jsonString(productKey))
	}
	result := func(id, serial, productKey, status, code string) string {
		return fmt.Sprintf(`{"device_id":%s,"serial_number":%s,"product_key":%s,"status":%q,"error_code":%s,"error_description":null}`,
			jsonString(id), jsonString(serial), jsonString(productKey), status, jsonString(code))
	}
	list := func(items ...string) string { return "[" + strings.Join(items, ",") + "]" }
	lastUpload := func(results ...string) string {
		return `{"batch_tracking_id":"t-1","location":"/customers/c/batchJobStatus/t-1","status":"finished","devices_status":` +
			list(results...) + `}`
	}
	finished := func(id, serial, productKey string) string { return result(id, serial, productKey, "finished", "") }
	sn1, pk2 := device("aDE=", "SN-1", ""), device("", "", "PK-2")
	h3, h4 := device("aDM=", "", ""), device("aDQ=", "", "")
	for _, c := range []struct {
		name, devices, uploaded, lastUpload string
		// wantDevices and wantIDs are devices and device_ids upgraded.
		wantDevices, wantIDs string
	}{
		{
			name:    "hash-only devices by their place among as many results",
			devices: list(sn1, pk2, h3, h4),
			uploaded: list(held("d-4", "EMU4", ""), held("d-3", "EMU3", ""), held("d-2", "", "PK-2"),
				held("d-1", "SN-1", "")),
			lastUpload: lastUpload(finished("d-1", "SN-1", ""), finished("d-2", "", "PK-2"), finished("d-3", "", ""),
				finished("d-4", "", "")),
			wantDevices: `{"PK-2":` + pk2 + `,"SN-1":` + sn1 + `,"d-3":` + h3 + `,"d-4":` + h4 + `}`,
			wantIDs:     `{"PK-2":"d-2","SN-1":"d-1","d-3":"d-3","d-4":"d-4"}`,
		},
		{
			// Results naming IDs only, in another order than the list:
			// the one that names the device of SN-1 is not taken for
			// the hash-only device, which is the one left.
			name:        "the one device left, results naming no serial number",
			devices:     list(sn1, h3),
			uploaded:    list(held("d-1", "SN-1", ""), held("d-3", "EMU3", "")),
			lastUpload:  lastUpload(finished("d-3", "", ""), finished("d-1", "", "")),
			wantDevices: `{"SN-1":` + sn1 + `,"d-3":` + h3 + `}`,
			wantIDs:     `{"SN-1":"d-1","d-3":"d-3"}`,
		},
		{
			name:        "the one device left, no last upload",
			devices:     list(pk2, h3),
			uploaded:    list(held("d-3", "EMU3", ""), held("d-2", "", "PK-2")),
			lastUpload:  `null`,
			wantDevices: `{"PK-2":` + pk2 + `,"d-3":` + h3 + `}`,
			wantIDs:     `{"PK-2":"d-2","d-3":"d-3"}`,
		},
		{
			name:        "two devices left, which nothing tells apart",
			devices:     list(h3, h4),
			uploaded:    list(held("d-3", "EMU3", ""), held("d-4", "EMU4", "")),
			lastUpload:  lastUpload(),
			wantDevices: `{"device-2":` + h3 + `,"device-3":` + h4 + `}`,
			wantIDs:     `{}`,
		},
		{
			// SN-5 is gone; the batch holds SN-9 instead, which its
			// result by place and what is left would give it.
			name:        "a device that contradicts the device of the ID",
			devices:     list(h3, device("aDU=", "SN-5", "")),
			uploaded:    list(held("d-3", "EMU3", ""), held("d-9", "SN-9", "")),
			lastUpload:  lastUpload(finished("d-3", "", ""), finished("d-9", "", "")),
			wantDevices: `{"SN-5":` + device("aDU=", "SN-5", "") + `,"d-3":` + h3 + `}`,
			wantIDs:     `{"d-3":"d-3"}`,
		},
		{
			// d-7 came to the batch otherwise.
			name:        "a device that failed",
			devices:     list(sn1, h3),
			uploaded:    list(held("d-1", "SN-1", ""), held("d-7", "EMU7", "")),
			lastUpload:  lastUpload(finished("d-1", "SN-1", ""), result("", "", "", "finished_with_errors", "808")),
			wantDevices: `{"SN-1":` + sn1 + `,"device-2":` + h3 + `}`,
			wantIDs:     `{"SN-1":"d-1"}`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			upgraded, err := upgradeDevicesToMap([]byte(`{"devices":` + c.devices + `,"uploaded_devices":` + c.uploaded +
				`,"last_upload":` + c.lastUpload + `}`))
			if err != nil {
				t.Fatal(err)
			}
			var attributes map[string]json.RawMessage
			if err := json.Unmarshal(upgraded, &attributes); err != nil {
				t.Fatal(err)
			}
			if got := string(attributes["devices"]); got != c.wantDevices {
				t.Errorf("devices\n%s\nwant\n%s", got, c.wantDevices)
			}
			if got := string(attributes["device_ids"]); got != c.wantIDs {
				t.Errorf("device_ids %s, want %s", got, c.wantIDs)
			}
			if _, ok := attributes["uploaded_devices"]; ok {
				t.Errorf("uploaded_devices kept: %s", upgraded)
			}
		})
	}
}

// jsonString is s as a state's JSON writes it: null when empty.
func jsonString(s string) string {
	if s == "" {
		return "null"
	}
	return fmt.Sprintf("%q", s)
}

// listFormProvider is the provider as it was when partnercenter_device_batch
// held its devices as a list (schema version 0), for a step that puts a
// version 0 state in place: no release of that version is at hand.
type listFormProvider struct {
	*partnerCenterProvider
	// state is the version 0 state's JSON that creating the batch records.
	state func() []byte
}

// Resources implements provider.Provider: the list form of the batch alone.
func (p listFormProvider) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return listFormBatch{state: p.state} }}
}

// listFormBatch is partnercenter_device_batch at schema version 0, every
// attribute computed: creating it records state, without a call to Partner
// Center, and reading it changes nothing.
type listFormBatch struct {
	state func() []byte
}

func (listFormBatch) Metadata(_ context.Context, _ fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = "partnercenter_device_batch"
}

func (listFormBatch) Schema(ctx context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	strs := func(names ...string) map[string]resourceschema.Attribute {
		attributes := make(map[string]resourceschema.Attribute, len(names))
		for _, name := range names {
			attributes[name] = resourceschema.StringAttribute{Computed: true}
		}
		return attributes
	}
	list := func(attributes map[string]resourceschema.Attribute) resourceschema.ListNestedAttribute {
		return resourceschema.ListNestedAttribute{Computed: true, NestedObject: resourceschema.NestedAttributeObject{Attributes: attributes}}
	}
	lastUpload := strs("batch_tracking_id", "location", "status", "started_time", "completed_time")
	lastUpload["failed_device_count"] = resourceschema.Int64Attribute{Computed: true}
	lastUpload["accepted_device_count"] = resourceschema.Int64Attribute{Computed: true}
	lastUpload["devices_status"] = list(strs("device_id", "serial_number", "product_key", "status", "error_code", "error_description"))
	attributes := strs("id", "customer_id", "batch_id", "created_by", "creation_date")
	attributes["devices"] = list(strs("hardware_hash", "serial_number", "product_key", "oem_manufacturer_name", "model_name"))
	attributes["fail_on_device_errors"] = resourceschema.BoolAttribute{Computed: true}
	attributes["accepted_error_codes"] = resourceschema.SetAttribute{Computed: true, ElementType: types.StringType}
	attributes["uploaded_devices"] = list(strs("id", "serial_number", "product_key", "oem_manufacturer_name", "model_name",
		"uploaded_date", "oobe_policy_id"))
	attributes["device_count"] = resourceschema.Int64Attribute{Computed: true}
	attributes["last_upload"] = resourceschema.SingleNestedAttribute{Computed: true, Attributes: lastUpload}
	resp.Schema = resourceschema.Schema{
		Version:    0,
		Attributes: attributes,
		Blocks:     map[string]resourceschema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})},
	}
}

func (b listFormBatch) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	state, err := (&tfprotov6.RawState{JSON: b.state()}).Unmarshal(req.Plan.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Version 0 state", err.Error())
		return
	}
	resp.State.Raw = state
}

func (listFormBatch) Read(context.Context, fwresource.ReadRequest, *fwresource.ReadResponse) {}

func (listFormBatch) Update(context.Context, fwresource.UpdateRequest, *fwresource.UpdateResponse) {}

func (listFormBatch) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {}

// nullIfEmpty is s as a state's JSON writes an attribute: null when empty.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listFormState is the version 0 state of batch that the list form wrote
// after uploading devices, in their order, in one request whose job ended as
// details says and whose Location was location, and reading back held.
func listFormState(t *testing.T, batch *partnercenter.DeviceBatch, devices, held []partnercenter.Device, location string,
	details *partnercenter.BatchUploadDetails) []byte {
	date := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		return nullIfEmpty(t.UTC().Format(time.RFC3339))
	}
	listed := make([]map[string]*string, len(devices))
	for i, d := range devices {
		listed[i] = map[string]*string{"hardware_hash": nullIfEmpty(d.HardwareHash), "serial_number": nullIfEmpty(d.SerialNumber),
			"product_key": nullIfEmpty(d.ProductKey), "oem_manufacturer_name": nullIfEmpty(d.OEMManufacturerName),
			"model_name": nullIfEmpty(d.ModelName)}
	}
	uploaded := make([]map[string]*string, len(held))
	for i, d := range held {
		uploaded[i] = map[string]*string{"id": nullIfEmpty(d.ID), "serial_number": nullIfEmpty(d.SerialNumber),
			"product_key": nullIfEmpty(d.ProductKey), "oem_manufacturer_name": nullIfEmpty(d.OEMManufacturerName),
			"model_name": nullIfEmpty(d.ModelName), "uploaded_date": date(d.UploadedDate), "oobe_policy_id": nullIfEmpty(d.OOBEPolicyID)}
	}
	statuses := make([]map[string]*string, len(details.DevicesStatus))
	for i, s := range details.DevicesStatus {
		statuses[i] = map[string]*string{"device_id": nullIfEmpty(s.DeviceID), "serial_number": nullIfEmpty(s.SerialNumber),
			"product_key": nullIfEmpty(s.ProductKey), "status": nullIfEmpty(string(s.Status)), "error_code": nullIfEmpty(s.ErrorCode),
			"error_description": nullIfEmpty(s.ErrorDescription)}
	}
	state, err := json.Marshal(map[string]any{
		"id": emulator.SeedCustomerID + "/" + batch.ID, "customer_id": emulator.SeedCustomerID, "batch_id": batch.ID,
		"devices": listed, "fail_on_device_errors": true, "accepted_error_codes": nil, "timeouts": nil,
		"uploaded_devices": uploaded, "device_count": batch.DevicesCount, "created_by": batch.CreatedBy,
		"creation_date": date(batch.CreationDate),
		"last_upload": map[string]any{
			"batch_tracking_id": details.BatchTrackingID, "location": location, "status": string(details.Status),
			"started_time": date(details.StartedTime), "completed_time": date(details.CompletedTime),
			"failed_device_count": 0, "accepted_device_count": 0, "devices_status": statuses,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// TestAccDeviceBatch_upgradedFromTheListKeepsHashOnlyDevices starts from a
// state the list form of devices wrote (version 0) for devices of which two
// are configured by hardware hash alone, each with a profile, under Partner
// Center's answers as Microsoft's samples show them: the device list carries
// no hash, so nothing a hash-only device of the configuration holds is in
// the list. The upgrade links them by the upload's results; the
// configuration in the map form, with the keys of the upgraded state, plans
// no change, and with keys of the user's choice only moves them. Neither
// apply sends Partner Center anything, and the devices keep their IDs and
// profile.
func TestAccDeviceBatch_upgradedFromTheListKeepsHashOnlyDevices(t *testing.T) {
	em := newUploadEmulator(t)
	const batchID = "Contoso list form"
	ctx := context.Background()
	client := testClient(t, em)
	devices := []partnercenter.Device{
		{HardwareHash: hardwareHash("SN-1"), SerialNumber: "SN-1"},
		{ProductKey: "PK-2"},
		{HardwareHash: hardwareHash("hash only 3")},
		{HardwareHash: hardwareHash("hash only 4")},
	}
	uploads, err := client.UploadDevices(ctx, emulator.SeedCustomerID, batchID, devices, true)
	if err != nil || len(uploads) != 1 {
		t.Fatal(uploads, err)
	}
	details, err := client.WaitForBatch(ctx, emulator.SeedCustomerID, uploads[0].Job.TrackingID, fastPolling)
	if err != nil {
		t.Fatal(err)
	}
	// The hash-only devices are those Partner Center lists with a serial
	// number decoded from their hash, as the configuration has none.
	policy := em.PutPolicy(emulator.SeedCustomerID, emulator.ConfigurationPolicy{Name: "Kiosk", Category: emulator.PolicyCategoryOOBE})
	var hashOnly []string
	for _, d := range em.Devices(emulator.SeedCustomerID, batchID) {
		if d.SerialNumber != "SN-1" && d.ProductKey == "" {
			hashOnly = append(hashOnly, d.ID)
			if err := em.SetDevicePolicy(emulator.SeedCustomerID, batchID, d.ID, policy); err != nil {
				t.Fatal(err)
			}
		}
	}
	batch, err := client.FindDeviceBatch(ctx, emulator.SeedCustomerID, batchID)
	if err != nil || batch == nil {
		t.Fatal(batch, err)
	}
	held, err := client.ListDevices(ctx, emulator.SeedCustomerID, batchID)
	if err != nil || len(hashOnly) != 2 {
		t.Fatal(hashOnly, err)
	}
	state := listFormState(t, batch, devices, held, uploads[0].Job.Location, details)
	idOf := map[string]string{}
	for i, s := range details.DevicesStatus {
		idOf[[]string{"SN-1", "PK-2", "3", "4"}[i]] = s.DeviceID
	}
	if idOf["3"] != hashOnly[0] && idOf["3"] != hashOnly[1] {
		t.Fatalf("the upload's results %v do not name the hash-only devices %v", details.DevicesStatus, hashOnly)
	}

	provider := em.userProviderConfig()
	// Served by the framework alone: the list form's devices are a list,
	// which protocolServer would serve as today's map.
	listForm := map[string]func() (tfprotov6.ProviderServer, error){
		"partnercenter": providerserver.NewProtocol6WithError(listFormProvider{
			partnerCenterProvider: &partnerCenterProvider{version: "test", env: mapEnvironment(nil), wait: fastPolling},
			state:                 func() []byte { return state },
		}),
	}
	hashOnlyDevice := func(key, name string) keyedDevice {
		return keyedDevice{key: key, hash: hardwareHash("hash only " + name)}
	}
	// Keyed by their IDs, as HCL identifiers.
	key3, key4 := identifierKey("id", idOf["3"]), identifierKey("id", idOf["4"])
	upgradedKeys := []keyedDevice{csvDevice("SN-1"), {key: "PK-2", productKey: "PK-2"}, hashOnlyDevice(key3, "3"), hashOnlyDevice(key4, "4")}
	ownKeys := []keyedDevice{csvDevice("SN-1"), {key: "PK-2", productKey: "PK-2"}, hashOnlyDevice("kiosk-3", "3"),
		hashOnlyDevice("kiosk-4", "4")}
	kept := func(*terraform.State) error {
		for _, d := range em.Devices(emulator.SeedCustomerID, batchID) {
			if slices.Contains(hashOnly, d.ID) && d.OOBEPolicyID() != policy {
				return fmt.Errorf("device %s has profile %q, want %q", d.ID, d.OOBEPolicyID(), policy)
			}
		}
		return expectDeviceIDs(em, batchID, idOf["SN-1"], idOf["PK-2"], idOf["3"], idOf["4"])
	}
	calls := &callCounter{em: em}
	calls.mark()
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: listForm,
				Config:                   provider + "\nresource \"partnercenter_device_batch\" \"test\" {}\n",
				Check:                    calls.expectReadsOnly(),
			},
			{
				ProtoV6ProviderFactories: providerFactories(nil),
				Config:                   provider + keyedBatchConfig(batchID, upgradedKeys),
				ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectBatch("device_ids", knownvalue.MapExact(map[string]knownvalue.Check{
					"SN-1": knownvalue.StringExact(idOf["SN-1"]), "PK-2": knownvalue.StringExact(idOf["PK-2"]),
					key3: knownvalue.StringExact(idOf["3"]), key4: knownvalue.StringExact(idOf["4"]),
				}))},
				Check: resource.ComposeTestCheckFunc(calls.expectReadsOnly(), kept),
			},
			{
				// Keys of the user's choice: the devices move, nothing is sent.
				ProtoV6ProviderFactories: providerFactories(nil),
				Config:                   provider + keyedBatchConfig(batchID, ownKeys),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
					devicesChange{removed: slices.Sorted(slices.Values([]string{key3, key4})), added: []string{"kiosk-3", "kiosk-4"}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectBatch("device_ids", knownvalue.MapExact(map[string]knownvalue.Check{
					"SN-1": knownvalue.StringExact(idOf["SN-1"]), "PK-2": knownvalue.StringExact(idOf["PK-2"]),
					"kiosk-3": knownvalue.StringExact(idOf["3"]), "kiosk-4": knownvalue.StringExact(idOf["4"]),
				}))},
				Check: resource.ComposeTestCheckFunc(calls.expectReadsOnly(), kept),
			},
		},
	})
}

// expectDeviceIDs checks that the batch holds exactly the devices of ids.
func expectDeviceIDs(em *testEmulator, batchID string, ids ...string) error {
	var got []string
	for _, d := range em.Devices(emulator.SeedCustomerID, batchID) {
		got = append(got, d.ID)
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
		return fmt.Errorf("batch %q holds devices %v, want %v", batchID, got, want)
	}
	return nil
}
