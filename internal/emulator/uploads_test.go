package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	customerA = "a1a1a1a1-0000-4000-8000-000000000001"
	customerB = "b2b2b2b2-0000-4000-8000-000000000002"
)

var locationPattern = regexp.MustCompile(`^/customers/` + customerA + `/batchJobStatus/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// hash returns a valid hardware hash, distinct for each seed.
func hash(seed string) string {
	return base64.StdEncoding.EncodeToString([]byte("hardware hash of " + seed))
}

// request sends a Partner Center request with token, a JSON body unless
// body is empty, and the headers given as name, value pairs.
func request(e *Emulator, token, method, path, body string, header ...string) response {
	h := http.Header{"Authorization": {"Bearer " + token}}
	if body != "" {
		h.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return serve(e, method, path, h, strings.NewReader(body))
}

func batchesPath(customerID string) string { return "/v1/customers/" + customerID + "/deviceBatches" }

func devicesPath(customerID, batchID string) string {
	return batchesPath(customerID) + "/" + url.PathEscape(batchID) + "/devices"
}

// createBody is operation 1's body for batchID and devices.
func createBody(batchID string, devices ...Device) string {
	return string(mustMarshal(map[string]any{"batchId": batchID, "devices": devices}))
}

// trackingID returns the tracking ID of a 202's Location, failing t when
// the answer is not a 202 with a Location of customerA.
func trackingID(t *testing.T, r response) string {
	t.Helper()
	m := locationPattern.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusAccepted || m == nil || r.body != "" || r.header.Get("Content-Length") != "0" {
		t.Fatalf("status %d Location %q Content-Length %q body %q, want 202 with a Location and no body",
			r.status, r.header.Get("Location"), r.header.Get("Content-Length"), r.body)
	}
	return m[1]
}

// summary is the job's status, then each device's status with its error
// code or description.
func (v BatchUploadDetails) summary() string {
	s := []string{v.Status}
	for _, d := range v.DevicesStatus {
		item := d.Status
		if d.ErrorCode != "" || d.ErrorDescription != "" {
			item += " " + d.ErrorCode + "/" + d.ErrorDescription
		}
		s = append(s, item)
	}
	return strings.Join(s, ", ")
}

// readJob reads a batch job status of customerA.
func readJob(t *testing.T, e *Emulator, token, trackingID string) BatchUploadDetails {
	t.Helper()
	r := request(e, token, http.MethodGet, batchPath(customerA, trackingID), "")
	if r.status != http.StatusOK {
		t.Fatalf("job status: %d %s", r.status, r.body)
	}
	var v BatchUploadDetails
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// devicePage is what a test reads of a page of devices.
type devicePage struct {
	TotalCount        int              `json:"totalCount"`
	Items             []deviceResource `json:"items"`
	ContinuationToken string           `json:"continuationToken"`
}

func listDevicesOf(t *testing.T, e *Emulator, token, batchID string, header ...string) devicePage {
	t.Helper()
	r := request(e, token, http.MethodGet, devicesPath(customerA, batchID), "", header...)
	if r.status != http.StatusOK {
		t.Fatalf("device list: %d %s", r.status, r.body)
	}
	var p devicePage
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// newUploadEmulator returns an emulator on a manual clock with uploads
// queued for 1 s and 100 ms per device, an app+user token and the clock.
func newUploadEmulator() (*Emulator, string, *ManualClock) {
	e := New()
	clock := NewManualClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	e.SetClock(clock)
	e.SetJobTiming(time.Second, 100*time.Millisecond)
	return e, e.NewUserAccessToken(DefaultTenantID, time.Hour), clock
}

func TestUploadCreatesABatchWhoseDevicesJoinAsTheyAreProcessed(t *testing.T) {
	e, token, clock := newUploadEmulator()
	devices := []Device{
		{HardwareHash: hash("1"), SerialNumber: "SN-1", ProductKey: "PK-1", OemManufacturerName: "Contoso", ModelName: "Laptop 7"},
		{ProductKey: "PK-2"},
		{SerialNumber: "SN-3", OemManufacturerName: "Contoso", ModelName: "Laptop 7"},
	}
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("Test batch", devices...)))

	steps := []struct {
		advance time.Duration
		want    string
		joined  int
	}{
		{0, "queued, queued, queued, queued", 0},
		{time.Second, "processing, processing, processing, processing", 0},
		{100 * time.Millisecond, "processing, finished, processing, processing", 1},
		{150 * time.Millisecond, "processing, finished, finished, processing", 2},
		{50 * time.Millisecond, "finished, finished, finished, finished", 3},
	}
	for i, step := range steps {
		clock.Advance(step.advance)
		// The device list sees what is due without a status read first.
		if got := listDevicesOf(t, e, token, "Test batch"); len(got.Items) != step.joined || got.TotalCount != step.joined {
			t.Errorf("step %d: %d devices listed, want %d", i, len(got.Items), step.joined)
		}
		if got := readJob(t, e, token, tid).summary(); got != step.want {
			t.Errorf("step %d: %s, want %s", i, got, step.want)
		}
	}

	v := readJob(t, e, token, tid)
	// Queued for 1 s, then 100 ms a device: started and completed within
	// the same second.
	if v.BatchTrackingID != tid || v.StartedTime != "2026-05-06T07:08:10" || v.CompletedTime != "2026-05-06T07:08:10" {
		t.Errorf("job %s started %s completed %s", v.BatchTrackingID, v.StartedTime, v.CompletedTime)
	}
	listed := listDevicesOf(t, e, token, "test BATCH").Items
	for i, d := range listed {
		if d.ID != v.DevicesStatus[i].DeviceID || !regexp.MustCompile(`^\d{4}(-\d{4}){5}-\d{2}$`).MatchString(d.ID) {
			t.Errorf("device %d: ID %q, status says %q", i, d.ID, v.DevicesStatus[i].DeviceID)
		}
		// By default no hardware hash is listed (see Answers), and the
		// fields decoded from it are those the first device has already.
		if d.SerialNumber != devices[i].SerialNumber || d.ProductKey != devices[i].ProductKey || d.HardwareHash != "" ||
			d.ModelName != devices[i].ModelName || d.OemManufacturerName != devices[i].OemManufacturerName {
			t.Errorf("device %d: %+v, uploaded %+v", i, d.Device, devices[i])
		}
	}
	first, err := json.Marshal(listed[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"` + listed[0].ID + `","serialNumber":"SN-1","productKey":"PK-1",` +
		`"modelName":"Laptop 7","oemManufacturerName":"Contoso","policies":[{"key":"o_o_b_e","value":null}],` +
		`"uploadedDate":"2026-05-06T07:08:10","uploadedBy":"` + UserPrincipalName + `","allowedOperations":["PATCH","DELETE"],` +
		`"links":{"self":{"uri":"/customers/` + customerA + `/deviceBatches/Test batch/devices/` + listed[0].ID + `","method":"GET","headers":[]}},` +
		`"attributes":{"objectType":"Device"}}`
	if string(first) != want {
		t.Errorf("device as listed:\n%s\nwant\n%s", first, want)
	}

	r := request(e, token, http.MethodGet, batchesPath(customerA), "")
	wantBatches := `{"totalCount":1,"items":[{"id":"Test batch","createdBy":"` + UserPrincipalName + `","creationDate":"2026-05-06T07:08:09",` +
		`"devicesCount":3,"devicesLink":{"uri":"/customers/` + customerA + `/deviceBatches/Test batch/devices","method":"GET","headers":[]},` +
		`"attributes":{"objectType":"DeviceBatch"}}],` +
		`"links":{"self":{"uri":"/customers/` + customerA + `/deviceBatches","method":"GET","headers":[]}},"attributes":{"objectType":"Collection"}}`
	if r.status != http.StatusOK || r.body != wantBatches {
		t.Errorf("batch list: %d\n%s\nwant\n%s", r.status, r.body, wantBatches)
	}
}

func TestUploadResultsFromTheRegistry(t *testing.T) {
	e, token, clock := newUploadEmulator()
	if _, err := e.AddDevices(customerB, "theirs", Device{HardwareHash: hash("other tenant")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddDevices(customerA, "earlier", Device{ProductKey: "PK-MINE"}); err != nil {
		t.Fatal(err)
	}
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("mixed",
		Device{HardwareHash: hash("new"), SerialNumber: "NEW"},
		Device{HardwareHash: hash("other tenant"), SerialNumber: "OTHER"},
		Device{ProductKey: "PK-MINE", SerialNumber: "MINE"},
		Device{HardwareHash: hash("new"), SerialNumber: "NEW AGAIN"},
		Device{HardwareHash: "not base64!", SerialNumber: "BAD HASH"},
		Device{SerialNumber: "TUPLE", OemManufacturerName: "Contoso", ModelName: "M"},
		Device{SerialNumber: "TUPLE", OemManufacturerName: "contoso", ModelName: "M"}, // case-sensitive: another device
	)))
	clock.Advance(time.Minute)
	v := readJob(t, e, token, tid)
	want := "finished_with_errors, finished, finished_with_errors 808/ZtdDeviceAssignedToOtherTenant, " +
		"finished_with_errors 806/ZtdDeviceAlreadyAssigned, finished_with_errors /ZtdDeviceDuplicated, " +
		"finished_with_errors /InvalidZtdHardwareHash, finished, finished"
	if got := v.summary(); got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	for i, d := range v.DevicesStatus {
		if joined := d.Status == "finished"; joined != (d.DeviceID != "") {
			t.Errorf("device %d (%s): status %s with device ID %q", i, d.SerialNumber, d.Status, d.DeviceID)
		}
	}
	var serials []string
	for _, d := range e.Devices(customerA, "mixed") {
		serials = append(serials, d.SerialNumber)
	}
	if fmt.Sprint(serials) != "[NEW TUPLE TUPLE]" {
		t.Errorf("devices joined: %v", serials)
	}
	// The 808 device is still the other customer's alone.
	if got := e.Devices(customerB, "theirs"); len(got) != 1 {
		t.Errorf("other customer's batch: %v", got)
	}
}

func TestUploadStepsPerRead(t *testing.T) {
	e, token, clock := newUploadEmulator()
	e.SetStepPerRead(time.Second)
	e.SetJobTiming(time.Second, 500*time.Millisecond)
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("b", Device{ProductKey: "1"}, Device{ProductKey: "2"})))
	clock.Advance(time.Hour) // the clock does not count
	for i, want := range []struct {
		summary string
		joined  int
	}{
		{"queued, queued, queued", 0},
		{"processing, processing, processing", 0},
		{"finished, finished, finished", 2},
	} {
		// Between reads, a device list sees the job as the last read did.
		if n := len(listDevicesOf(t, e, token, "b").Items); i > 0 && n != []int{0, 0, 2}[i-1] {
			t.Errorf("before read %d: %d devices", i+1, n)
		}
		if got := readJob(t, e, token, tid).summary(); got != want.summary {
			t.Errorf("read %d: %s, want %s", i+1, got, want.summary)
		}
		if n := len(e.Devices(customerA, "b")); n != want.joined {
			t.Errorf("after read %d: %d devices joined, want %d", i+1, n, want.joined)
		}
	}
}

func TestCreateBatchTakesAppUserTokensOnly(t *testing.T) {
	e := New()
	body := createBody("b", Device{ProductKey: "PK"})
	appOnly := []string{e.NewAccessToken(DefaultTenantID, time.Hour), tokenFromEndpoint(t, e, validTokenForm())}
	for i, token := range appOnly {
		r := request(e, token, http.MethodPost, batchesPath(customerA), body)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, `"code":2032`) || !strings.Contains(r.body, "requires app+user authentication") {
			t.Errorf("app-only token %d: status %d body %s, want 403 ApiFault", i, r.status, r.body)
		}
	}
	if len(e.Batches(customerA)) != 0 {
		t.Fatal("an app-only token created a batch")
	}
	refresh := url.Values{
		"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret},
		"refresh_token": {e.NewRefreshToken(DefaultTenantID, DefaultClientID)},
		"scope":         {"https://api.partnercenter.microsoft.com/user_impersonation offline_access"},
	}
	trackingID(t, request(e, tokenFromEndpoint(t, e, refresh), http.MethodPost, batchesPath(customerA), body))
	// Adding devices to it takes both kinds.
	r := request(e, appOnly[1], http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK2"}]`)
	trackingID(t, r)
}

// tokenFromEndpoint returns an access token from the token endpoint.
func tokenFromEndpoint(t *testing.T, e *Emulator, form url.Values) string {
	t.Helper()
	r := requestToken(e, DefaultTenantID, form, nil)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(r.body), &token); err != nil || token.AccessToken == "" {
		t.Fatalf("token endpoint: %d %s", r.status, r.body)
	}
	return token.AccessToken
}

func TestCreateBatchRefusals(t *testing.T) {
	e, token, _ := newUploadEmulator()
	trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("Test Batch", Device{ProductKey: "PK"})))
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"existing name in another case", createBody("TEST batch", Device{ProductKey: "PK2"}), http.StatusConflict,
			`{"code":409,"description":"A device batch with the ID 'TEST batch' already exists for this customer. Upload the devices to it instead.","data":[],"source":"PartnerFD"}`},
		{"no batchId", createBody("", Device{ProductKey: "PK2"}), http.StatusBadRequest, "The batchId is required."},
		{"no devices", createBody("new"), http.StatusBadRequest, "at least one device"},
		{"devices null", `{"batchId":"new","devices":null}`, http.StatusBadRequest, "at least one device"},
		{"a device without identification", createBody("new", Device{ProductKey: "PK2"}, Device{SerialNumber: "SN", ModelName: "M"}), http.StatusBadRequest,
			"Device 1 has no accepted identification"},
		{"not JSON", `batch`, http.StatusBadRequest, "not the JSON expected"},
		{"empty", ``, http.StatusBadRequest, "not the JSON expected"},
		{"a bare array", `[{"productKey":"PK2"}]`, http.StatusBadRequest, "not the JSON expected"},
		{"trailing data", createBody("new", Device{ProductKey: "PK2"}) + `{}`, http.StatusBadRequest, "after its JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(e, token, http.MethodPost, batchesPath(customerA), tt.body)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d body %s, want %d with %s", r.status, r.body, tt.status, tt.want)
			}
			if tt.status == http.StatusBadRequest && !strings.HasPrefix(r.body, `{"code":800002,"description":"Invalid request input","data":["`) {
				t.Errorf("body %s, want ApiFault 800002", r.body)
			}
		})
	}
	if got := e.Batches(customerA); len(got) != 1 || got[0].ID != "Test Batch" {
		t.Errorf("batches %+v, want the first only", got)
	}
}

// The SDKs send PascalCase, others camelCase: both are understood, and the
// SDKs' extra fields are ignored.
func TestUploadBodiesInPascalCase(t *testing.T) {
	e, token, clock := newUploadEmulator()
	body := `{"BatchId":"Pascal","Devices":[{"Id":null,"HardwareHash":"` + hash("p") + `","SerialNumber":"SN-P","ProductKey":"PK-P",` +
		`"OemManufacturerName":"Fabrikam","ModelName":"Tablet","Policies":null,"CreatedBy":null,"UploadedDate":"0001-01-01T00:00:00",` +
		`"AllowedOperations":null,"Attributes":{"ObjectType":"Device"}}],"Attributes":{"ObjectType":"DeviceBatchCreationRequest"}}`
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), body))
	trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "pascal"), `[{"ProductKey":"PK-Q","SerialNumber":"SN-Q"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" {
		t.Errorf("job %s", got)
	}
	got := e.Devices(customerA, "PASCAL")
	if len(got) != 2 || got[0].HardwareHash != hash("p") || got[0].SerialNumber != "SN-P" || got[0].ProductKey != "PK-P" ||
		got[0].OemManufacturerName != "Fabrikam" || got[0].ModelName != "Tablet" || got[1].ProductKey != "PK-Q" || got[1].SerialNumber != "SN-Q" {
		t.Errorf("devices %+v", got)
	}
}

func TestAddDevicesToABatch(t *testing.T) {
	e, token, clock := newUploadEmulator()
	if _, err := e.AddDevices(customerA, "Existing", Device{ProductKey: "PK-1"}); err != nil {
		t.Fatal(err)
	}
	tid := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "existing"), `[{"productKey":"PK-1"},{"productKey":"PK-2"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished_with_errors, finished_with_errors 806/ZtdDeviceAlreadyAssigned, finished" {
		t.Errorf("job %s", got)
	}
	if got := e.Batches(customerA); len(got) != 1 || got[0].DevicesCount != 2 {
		t.Errorf("batches %+v", got)
	}
	for name, tt := range map[string]struct {
		path, body string
		status     int
	}{
		"unknown batch":       {devicesPath(customerA, "missing"), `[{"productKey":"PK-3"}]`, http.StatusNotFound},
		"another customer's":  {devicesPath(customerB, "existing"), `[{"productKey":"PK-3"}]`, http.StatusNotFound},
		"an object":           {devicesPath(customerA, "existing"), `{"devices":[{"productKey":"PK-3"}]}`, http.StatusBadRequest},
		"no device":           {devicesPath(customerA, "existing"), `[]`, http.StatusBadRequest},
		"no identification":   {devicesPath(customerA, "existing"), `[{"modelName":"M"}]`, http.StatusBadRequest},
		"method of no route":  {devicesPath(customerA, "existing"), `[]`, http.StatusMethodNotAllowed},
		"unknown batch, PUT ": {devicesPath(customerA, "missing") + "/1", `{}`, http.StatusNotFound},
	} {
		method := http.MethodPost
		switch name {
		case "method of no route":
			method = http.MethodPatch
		case "unknown batch, PUT ":
			method = http.MethodPut
		}
		if r := request(e, token, method, tt.path, tt.body); r.status != tt.status {
			t.Errorf("%s: status %d body %s, want %d", name, r.status, r.body, tt.status)
		}
	}
}

func TestDeviceListPages(t *testing.T) {
	e, token, _ := newUploadEmulator()
	// Pages of devices with their hashes listed, as the SDK's model allows.
	e.SetAnswers(Answers{ListHardwareHashes: true})
	devices := make([]Device, 250)
	for i := range devices {
		devices[i] = Device{HardwareHash: hash(fmt.Sprint(i)), SerialNumber: fmt.Sprintf("SN-%03d", i)}
	}
	if _, err := e.AddDevices(customerA, "big", devices...); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var serials []string
	var header []string
	for {
		p := listDevicesOf(t, e, token, "big", header...)
		if p.TotalCount != 250 {
			t.Errorf("totalCount %d", p.TotalCount)
		}
		sizes = append(sizes, len(p.Items))
		for _, d := range p.Items {
			serials = append(serials, d.SerialNumber)
			if d.HardwareHash == "" {
				t.Fatalf("device %s listed without its hardware hash", d.SerialNumber)
			}
		}
		if p.ContinuationToken == "" {
			break
		}
		header = []string{"MS-ContinuationToken", p.ContinuationToken}
	}
	if fmt.Sprint(sizes) != "[100 100 50]" || len(serials) != 250 || serials[0] != "SN-000" || serials[249] != "SN-249" {
		t.Errorf("pages %v, %d devices", sizes, len(serials))
	}
	if r := request(e, token, http.MethodGet, devicesPath(customerA, "missing"), ""); r.status != http.StatusNotFound || r.body != notFoundBody {
		t.Errorf("unknown batch: %d %s", r.status, r.body)
	}
}

func TestUpdateDevice(t *testing.T) {
	e, token, _ := newUploadEmulator()
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK-1", SerialNumber: "SN-1"})
	if err != nil {
		t.Fatal(err)
	}
	e.PutPolicy(customerA, ConfigurationPolicy{ID: "policy-1", Name: "P", Category: PolicyCategoryOOBE})
	path := devicesPath(customerA, "b") + "/" + ids[0]
	r := request(e, token, http.MethodPut, path, `{"Id":"`+ids[0]+`","ProductKey":"PK-1","Policies":[{"Key":"o_o_b_e","Value":"POLICY-1"}]}`)
	var d deviceResource
	if err := json.Unmarshal([]byte(r.body), &d); r.status != http.StatusOK || err != nil || d.ID != ids[0] || d.OOBEPolicyID() != "policy-1" ||
		d.SerialNumber != "SN-1" || d.Attributes.ObjectType != "Device" {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	if got := e.Devices(customerA, "b")[0].OOBEPolicyID(); got != "policy-1" {
		t.Errorf("stored policy %q", got)
	}
	if r := request(e, token, http.MethodPut, path, `{"policies":[{"key":"o_o_b_e","value":null}]}`); r.status != http.StatusOK ||
		!strings.Contains(r.body, `"policies":[{"key":"o_o_b_e","value":null}]`) {
		t.Errorf("PUT null policy: %d %s", r.status, r.body)
	}
	for name, tt := range map[string]struct {
		path, body string
		status     int
	}{
		"another product key": {path, `{"productKey":"PK-2"}`, http.StatusBadRequest},
		"a hardware hash":     {path, `{"hardwareHash":"` + hash("x") + `"}`, http.StatusBadRequest},
		"another ID":          {path, `{"id":"1234"}`, http.StatusBadRequest},
		"unknown category":    {path, `{"policies":[{"key":"other","value":"x"}]}`, http.StatusBadRequest},
		"unknown policy":      {path, `{"policies":[{"key":"o_o_b_e","value":"policy-2"}]}`, http.StatusBadRequest},
		"unknown device":      {devicesPath(customerA, "b") + "/0000", `{}`, http.StatusNotFound},
		"not JSON":            {path, `{`, http.StatusBadRequest},
	} {
		if r := request(e, token, http.MethodPut, tt.path, tt.body); r.status != tt.status {
			t.Errorf("%s: %d %s, want %d", name, r.status, r.body, tt.status)
		}
	}
	if got := e.Devices(customerA, "b")[0]; got.ProductKey != "PK-1" || got.OOBEPolicyID() != "" {
		t.Errorf("a refused PUT changed the device: %+v", got)
	}
}

func TestDeleteDevice(t *testing.T) {
	e, token, clock := newUploadEmulator()
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK-1"}, Device{ProductKey: "PK-2"})
	if err != nil {
		t.Fatal(err)
	}
	path := devicesPath(customerA, "B") + "/" + ids[0]
	if r := request(e, token, http.MethodDelete, path, ""); r.status != http.StatusNoContent || r.body != "" {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if r := request(e, token, http.MethodDelete, path, ""); r.status != http.StatusNotFound || r.body != notFoundBody {
		t.Errorf("DELETE again: %d %s", r.status, r.body)
	}
	if got := e.Batches(customerA); len(got) != 1 || got[0].DevicesCount != 1 {
		t.Errorf("batches %+v, want b with one device", got)
	}
	// Deleted, the device can be uploaded again, here or elsewhere.
	tid := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-1"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" {
		t.Errorf("upload again: %s", got)
	}
	// Deleting every device leaves the batch.
	for _, d := range e.Devices(customerA, "b") {
		if err := e.DeleteDevice(customerA, "b", d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.Batches(customerA); len(got) != 1 || got[0].DevicesCount != 0 {
		t.Errorf("batches %+v, want b, empty", got)
	}
	if err := e.DeleteDevice(customerA, "b", ids[1]); err == nil {
		t.Error("DeleteDevice of a deleted device succeeded")
	}
}

// Batch IDs are free text: they travel escaped in paths and match
// case-insensitively.
func TestBatchIDsInPaths(t *testing.T) {
	e, token, clock := newUploadEmulator()
	const name = "Lot 42/B: 100% Ünïcode?#"
	trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody(name, Device{ProductKey: "PK"})))
	clock.Advance(time.Minute)
	for _, path := range []string{
		devicesPath(customerA, name),
		devicesPath(customerA, strings.ToUpper(name)),
		batchesPath(customerA) + "/Lot%2042%2FB%3A%20100%25%20%C3%9Cn%C3%AFcode%3F%23/devices",
	} {
		r := request(e, token, http.MethodGet, path, "")
		if r.status != http.StatusOK || !strings.Contains(r.body, `"totalCount":1`) {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	if r := request(e, token, http.MethodGet, batchesPath(customerA)+"/Lot%2042/B%3A%20100%25/devices", ""); r.status != http.StatusNotFound {
		t.Errorf("an unescaped slash splits the name: %d", r.status)
	}
}

func TestUploadsAreIdempotent(t *testing.T) {
	e, token, clock := newUploadEmulator()
	const createID, addID, deleteID = "c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002", "c0000000-0000-4000-8000-000000000003"
	body := createBody("b", Device{ProductKey: "PK-1"})
	first := request(e, token, http.MethodPost, batchesPath(customerA), body, "MS-RequestId", createID)
	again := request(e, token, http.MethodPost, batchesPath(customerA), body, "MS-RequestId", createID)
	if trackingID(t, first) != trackingID(t, again) {
		t.Errorf("the retry started another upload: %s, then %s", first.header.Get("Location"), again.header.Get("Location"))
	}
	add := `[{"productKey":"PK-2"}]`
	first = request(e, token, http.MethodPost, devicesPath(customerA, "b"), add, "MS-RequestId", addID)
	again = request(e, token, http.MethodPost, devicesPath(customerA, "b"), add, "MS-RequestId", addID)
	if trackingID(t, first) != trackingID(t, again) {
		t.Errorf("the retried add started another upload")
	}
	clock.Advance(time.Minute)
	devices := e.Devices(customerA, "b")
	if len(devices) != 2 || len(e.Batches(customerA)) != 1 {
		t.Fatalf("%d devices, %d batches; want 2 and 1", len(devices), len(e.Batches(customerA)))
	}
	// A re-applied delete would find no device: 404.
	path := devicesPath(customerA, "b") + "/" + devices[0].ID
	for i := range 2 {
		if r := request(e, token, http.MethodDelete, path, "", "MS-RequestId", deleteID); r.status != http.StatusNoContent {
			t.Errorf("DELETE %d: %d %s", i+1, r.status, r.body)
		}
	}
	if len(e.Devices(customerA, "b")) != 1 {
		t.Errorf("devices left: %v", e.Devices(customerA, "b"))
	}
	for _, id := range []string{createID, addID, deleteID} {
		if n := e.Attempts(id); n != 2 {
			t.Errorf("Attempts(%s) = %d, want 2", id, n)
		}
	}
}

// A fault after the upload was applied hides its answer; the client's
// retry under the same MS-RequestId gets it, and nothing is uploaded twice.
func TestUploadFaultAfterApplyAndRetry(t *testing.T) {
	e, token, clock := newUploadEmulator()
	e.InjectFaults(DeviceBatchesRoute,
		Fault{Method: http.MethodPost, Status: http.StatusServiceUnavailable},
		Fault{Method: http.MethodPost, Status: http.StatusGatewayTimeout, AfterApply: true})
	body := createBody("b", Device{ProductKey: "PK-1"})
	const id = "d0000000-0000-4000-8000-000000000001"
	// The list is another method: no fault.
	if r := request(e, token, http.MethodGet, batchesPath(customerA), ""); r.status != http.StatusOK {
		t.Fatalf("GET: %d", r.status)
	}
	if r := request(e, token, http.MethodPost, batchesPath(customerA), body, "MS-RequestId", id); r.status != http.StatusServiceUnavailable {
		t.Fatalf("first attempt: %d", r.status)
	}
	if len(e.Batches(customerA)) != 0 {
		t.Fatal("a request refused with 503 was applied")
	}
	r := request(e, token, http.MethodPost, batchesPath(customerA), body, "MS-RequestId", id)
	if r.status != http.StatusGatewayTimeout || r.header.Get("Location") != "" {
		t.Fatalf("second attempt: %d Location %q", r.status, r.header.Get("Location"))
	}
	if len(e.Batches(customerA)) != 1 {
		t.Fatal("the request faulted after applying was not applied")
	}
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), body, "MS-RequestId", id))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" || len(e.Devices(customerA, "b")) != 1 {
		t.Errorf("job %s, %d devices", got, len(e.Devices(customerA, "b")))
	}
	if n := e.Attempts(id); n != 3 {
		t.Errorf("Attempts %d, want 3", n)
	}
}

func TestDeviceHelpers(t *testing.T) {
	e := New()
	if got := e.Devices(customerA, "none"); got != nil {
		t.Errorf("Devices of an unknown batch: %v", got)
	}
	ids, err := e.AddDevices(customerA, "b", Device{ID: "1111-2222", ProductKey: "PK-1"}, Device{HardwareHash: hash("h")})
	if err != nil || len(ids) != 2 || ids[0] != "1111-2222" {
		t.Fatalf("AddDevices: %v %v", ids, err)
	}
	for name, devices := range map[string][]Device{
		"no identification":  {{SerialNumber: "SN"}},
		"bad hash":           {{HardwareHash: "%%%"}},
		"registered":         {{ProductKey: "PK-1"}},
		"twice in one call":  {{ProductKey: "PK-9"}, {ProductKey: "PK-9"}},
		"an ID in use":       {{ID: "1111-2222", ProductKey: "PK-8"}},
		"an ID given twice":  {{ID: "3", ProductKey: "PK-7"}, {ID: "3", ProductKey: "PK-6"}},
		"registered, other ": {{HardwareHash: hash("h")}},
	} {
		if _, err := e.AddDevices(customerB, "x", devices...); err == nil {
			t.Errorf("AddDevices with %s succeeded", name)
		}
	}
	if got := e.Batches(customerB); len(got) != 0 {
		t.Errorf("a refused AddDevices made a batch: %+v", got)
	}
	if err := e.SetDevicePolicy(customerA, "B", ids[1], "p1"); err != nil {
		t.Fatal(err)
	}
	if got := e.Devices(customerA, "b")[1].OOBEPolicyID(); got != "p1" {
		t.Errorf("policy %q", got)
	}
	if err := e.SetDevicePolicy(customerA, "b", ids[1], ""); err != nil || e.Devices(customerA, "b")[1].OOBEPolicyID() != "" {
		t.Errorf("unassigning: %v", err)
	}
	if err := e.SetDevicePolicy(customerA, "b", "nope", "p1"); err == nil {
		t.Error("SetDevicePolicy of an unknown device succeeded")
	}
	// Devices hands out copies.
	got := e.Devices(customerA, "b")
	got[0].Policies[0].Key = "changed"
	if e.Devices(customerA, "b")[0].Policies[0].Key != PolicyCategoryOOBE {
		t.Error("changing what Devices returned changed the store")
	}
	if !strings.Contains(fmt.Sprint(e.Customers()), customerA) {
		t.Errorf("customers %v", e.Customers())
	}
}

// Uploads, reads and helpers at once: the race detector watches the stores'
// locks, and every device ends up in exactly one batch.
func TestUploadsUnderConcurrentUse(t *testing.T) {
	e, token, clock := newUploadEmulator()
	e.SetJobTiming(0, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			batch := fmt.Sprint("batch ", g)
			// Every goroutine uploads the same ten product keys.
			devices := make([]Device, 10)
			for i := range devices {
				devices[i] = Device{ProductKey: fmt.Sprint("PK-", i)}
			}
			customer := []string{customerA, customerB}[g%2]
			body := createBody(batch, devices...)
			r := request(e, token, http.MethodPost, batchesPath(customer), body)
			for range 5 {
				clock.Advance(2 * time.Millisecond)
				request(e, token, http.MethodGet, "/v1"+r.header.Get("Location"), "")
				request(e, token, http.MethodGet, devicesPath(customer, batch), "")
				e.Batches(customer)
			}
		})
	}
	wg.Wait()
	clock.Advance(time.Minute)
	total := 0
	for _, customer := range []string{customerA, customerB} {
		for _, b := range e.Batches(customer) {
			total += b.DevicesCount
		}
	}
	if total != 10 {
		t.Errorf("%d devices in all batches, want each of the 10 once", total)
	}
}
