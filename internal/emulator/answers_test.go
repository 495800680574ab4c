package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// collectionItems returns the items of a collection answered with 200, each
// a JSON object as answered.
func collectionItems(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d body %s, want 200", r.status, r.body)
	}
	var c struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &c); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
	return rawStrings(c.Items)
}

// statusItems returns the devicesStatus items of a batch job status of
// customerA, each a JSON object as answered.
func statusItems(t *testing.T, e *Emulator, token, trackingID string) []string {
	t.Helper()
	r := request(e, token, http.MethodGet, batchPath(customerA, trackingID), "")
	if r.status != http.StatusOK {
		t.Fatalf("job status: %d %s", r.status, r.body)
	}
	var v struct {
		DevicesStatus []json.RawMessage `json:"devicesStatus"`
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
	return rawStrings(v.DevicesStatus)
}

func rawStrings(raw []json.RawMessage) []string {
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = string(r)
	}
	return out
}

// listedDevice is the JSON of device id of batch b of customerA as a
// device list or update answers it, added by AddDevices on
// newUploadEmulator's clock: members are those between id and policies,
// each followed by a comma, policies the policies' JSON.
func listedDevice(id, members, policies string) string {
	return `{"id":"` + id + `",` + members + `"policies":` + policies +
		`,"uploadedDate":"2026-05-06T07:08:09","uploadedBy":"` + UserPrincipalName + `","allowedOperations":["PATCH","DELETE"],` +
		`"links":{"self":{"uri":"/customers/` + customerA + `/deviceBatches/b/devices/` + id + `","method":"GET","headers":[]}},` +
		`"attributes":{"objectType":"Device"}}`
}

// noPolicy is the policies of a device without one, as documented.
const noPolicy = `[{"key":"o_o_b_e","value":null}]`

// statusItem is the JSON of a devicesStatus item with members, each
// followed by a comma.
func statusItem(members string) string {
	return `{` + members + `"attributes":{"objectType":"DeviceUploadDetails"}}`
}

func TestAnswersDefaultToTheZeroValue(t *testing.T) {
	t.Parallel()
	e := New()
	if got := e.Answers(); got != (Answers{}) {
		t.Errorf("Answers of a new emulator: %+v", got)
	}
	want := Answers{ListHardwareHashes: true, MaxDevicesPerUpload: 500, StatusExpiry: 24 * time.Hour}
	e.SetAnswers(want)
	if got := e.Answers(); got != want {
		t.Errorf("Answers after SetAnswers: %+v, want %+v", got, want)
	}
}

func TestAnswerSwitchesCoverEveryField(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[Answers]()
	perField := map[string]int{}
	for _, s := range AnswerSwitches {
		perField[s.Field]++
	}
	for i := range typ.NumField() {
		if name := typ.Field(i).Name; perField[name] != 1 {
			t.Errorf("Answers.%s has %d switches, want 1", name, perField[name])
		}
	}
	if len(AnswerSwitches) != typ.NumField() {
		t.Errorf("%d switches for %d fields", len(AnswerSwitches), typ.NumField())
	}
	want := []string{
		"list-hardware-hashes ListHardwareHashes", "list-uploaded-fields-only ListUploadedFieldsOnly", "status-ids-only StatusIDsOnly",
		"failed-jobs-without-results FailedJobsWithoutResults", "policy-update-keeps-description PolicyUpdateKeepsDescription",
		"empty-settings-read-as-none EmptySettingsReadAsNone", "delete-assigned-policy DeleteAssignedPolicy",
		"total-count-per-page TotalCountPerPage", "pascal-case-enums PascalCaseEnums", "bare-array-lists BareArrayLists",
		"case-sensitive-batch-names CaseSensitiveBatchNames", "max-devices-per-upload MaxDevicesPerUpload", "status-expiry StatusExpiry",
	}
	var got []string
	for i, s := range AnswerSwitches {
		got = append(got, s.Name+" "+s.Field)
		if i < typ.NumField() && s.Field != typ.Field(i).Name {
			t.Errorf("switch %d is %s, field %d %s: want the fields' order", i, s.Field, i, typ.Field(i).Name)
		}
		if s.Usage == "" || strings.Contains(s.Usage, "\n") || s.Set == nil {
			t.Errorf("switch %s: usage %q, Set %v", s.Name, s.Usage, s.Set != nil)
		}
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("switches:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Each switch sets its own field, and only it, and refuses what its field
// cannot hold.
func TestAnswerSwitchesSetTheirField(t *testing.T) {
	t.Parallel()
	for _, s := range AnswerSwitches {
		field, _ := reflect.TypeFor[Answers]().FieldByName(s.Field)
		var valid, want string
		var invalid map[string]string
		switch field.Type {
		case reflect.TypeFor[bool]():
			valid, want, invalid = "T", "true", map[string]string{"maybe": "not true or false", "": "not true or false"}
		case reflect.TypeFor[int]():
			valid, want, invalid = "500", "500", map[string]string{"-1": "negative", "many": "not a whole number", "1.5": "not a whole number"}
		case reflect.TypeFor[time.Duration]():
			valid, want, invalid = "90m", "1h30m0s", map[string]string{"-1s": "negative", "soon": "not a duration such as 90s or 24h", "5": "not a duration such as 90s or 24h"}
		default:
			t.Fatalf("switch %s: field of type %s", s.Name, field.Type)
		}
		var a Answers
		if err := s.Set(&a, valid); err != nil {
			t.Errorf("%s=%s: %v", s.Name, valid, err)
		}
		v := reflect.ValueOf(a)
		for i := range v.NumField() {
			name, value := v.Type().Field(i).Name, v.Field(i)
			if name == s.Field && fmt.Sprint(value.Interface()) != want {
				t.Errorf("%s=%s set %s to %v, want %s", s.Name, valid, name, value.Interface(), want)
			}
			if name != s.Field && !value.IsZero() {
				t.Errorf("%s=%s set %s too", s.Name, valid, name)
			}
		}
		for value, message := range invalid {
			before := a
			if err := s.Set(&a, value); err == nil || err.Error() != message {
				t.Errorf("%s=%q: error %v, want %q", s.Name, value, err, message)
			}
			if a != before {
				t.Errorf("%s=%q changed the answers", s.Name, value)
			}
		}
	}
}

func TestDecodeHardwareHash(t *testing.T) {
	t.Parallel()
	// SHA-256 of "aGFyZHdhcmUgaGFzaCBvZiBh" starts fdc67bf3.
	serial, manufacturer, model := DecodeHardwareHash(hash("a"))
	if serial != "EMUFDC67BF3" || manufacturer != "Emulated OEM" || model != "Emulated Model" {
		t.Errorf("DecodeHardwareHash: %q %q %q", serial, manufacturer, model)
	}
	if again, _, _ := DecodeHardwareHash(hash("a")); again != serial {
		t.Errorf("the same hash decoded to %s, then %s", serial, again)
	}
	if other, _, _ := DecodeHardwareHash(hash("b")); other != "EMU7807611D" {
		t.Errorf("another hash decoded to %s", other)
	}
}

func TestAnswerListHardwareHashes(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	if _, err := e.AddDevices(customerA, "b", Device{ID: "1111-0001", HardwareHash: hash("1"), SerialNumber: "SN-1", OemManufacturerName: "Contoso", ModelName: "M"}); err != nil {
		t.Fatal(err)
	}
	devicePath := devicesPath(customerA, "b") + "/1111-0001"
	for _, tt := range []struct {
		answers Answers
		want    string
	}{
		// Microsoft's only sample of a device list has no hash.
		{Answers{}, listedDevice("1111-0001", `"serialNumber":"SN-1","modelName":"M","oemManufacturerName":"Contoso",`, noPolicy)},
		{Answers{ListHardwareHashes: true},
			listedDevice("1111-0001", `"serialNumber":"SN-1","hardwareHash":"`+hash("1")+`","modelName":"M","oemManufacturerName":"Contoso",`, noPolicy)},
	} {
		e.SetAnswers(tt.answers)
		if got := collectionItems(t, request(e, token, http.MethodGet, devicesPath(customerA, "b"), "")); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%+v: listed\n%s\nwant\n%s", tt.answers, got, tt.want)
		}
		if r := request(e, token, http.MethodPut, devicePath, `{"policies":[{"key":"o_o_b_e","value":null}]}`); r.status != http.StatusOK || r.body != tt.want {
			t.Errorf("%+v: PUT %d\n%s\nwant\n%s", tt.answers, r.status, r.body, tt.want)
		}
	}
	// Unlisted, the hash is still kept and identifies the device.
	e.SetAnswers(Answers{})
	if got := e.Devices(customerA, "b"); got[0].HardwareHash != hash("1") {
		t.Errorf("stored hash %q", got[0].HardwareHash)
	}
	tid := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"hardwareHash":"`+hash("1")+`"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished_with_errors, finished_with_errors 806/ZtdDeviceAlreadyAssigned" {
		t.Errorf("the same hash uploaded again: %s", got)
	}
}

func TestAnswerListUploadedFieldsOnly(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	if _, err := e.AddDevices(customerA, "b",
		Device{ID: "1111-0001", HardwareHash: hash("a")},
		Device{ID: "1111-0002", HardwareHash: hash("b"), SerialNumber: "SN-B"},
		Device{ID: "1111-0003", ProductKey: "PK-C"},
	); err != nil {
		t.Fatal(err)
	}
	decoded := []string{
		listedDevice("1111-0001", `"serialNumber":"EMUFDC67BF3","modelName":"Emulated Model","oemManufacturerName":"Emulated OEM",`, noPolicy),
		listedDevice("1111-0002", `"serialNumber":"SN-B","modelName":"Emulated Model","oemManufacturerName":"Emulated OEM",`, noPolicy),
		listedDevice("1111-0003", `"productKey":"PK-C",`, noPolicy),
	}
	uploaded := []string{
		listedDevice("1111-0001", ``, noPolicy),
		listedDevice("1111-0002", `"serialNumber":"SN-B",`, noPolicy),
		listedDevice("1111-0003", `"productKey":"PK-C",`, noPolicy),
	}
	// Decided at each answer: switching back shows the decoded fields again.
	for _, tt := range []struct {
		answers Answers
		want    []string
	}{{Answers{}, decoded}, {Answers{ListUploadedFieldsOnly: true}, uploaded}, {Answers{}, decoded}} {
		e.SetAnswers(tt.answers)
		got := collectionItems(t, request(e, token, http.MethodGet, devicesPath(customerA, "b"), ""))
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%+v: listed\n%s\nwant\n%s", tt.answers, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		r := request(e, token, http.MethodPut, devicesPath(customerA, "b")+"/1111-0001", `{"policies":[{"key":"o_o_b_e","value":null}]}`)
		if r.status != http.StatusOK || r.body != tt.want[0] {
			t.Errorf("%+v: PUT %d %s", tt.answers, r.status, r.body)
		}
	}
	// A device update may repeat what was listed, not change it.
	path := devicesPath(customerA, "b") + "/1111-0001"
	if r := request(e, token, http.MethodPut, path, `{"serialNumber":"EMUFDC67BF3","oemManufacturerName":"Emulated OEM","modelName":"Emulated Model"}`); r.status != http.StatusOK {
		t.Errorf("PUT of the decoded fields: %d %s", r.status, r.body)
	}
	if r := request(e, token, http.MethodPut, path, `{"serialNumber":"EMU00000000"}`); r.status != http.StatusBadRequest {
		t.Errorf("PUT of another serial number: %d %s", r.status, r.body)
	}
	if got := e.Devices(customerA, "b")[0]; got.SerialNumber != "" || got.ModelName != "" || got.OemManufacturerName != "" {
		t.Errorf("Devices returned %+v, want the device as uploaded", got)
	}
}

func TestAnswerStatusIDsOnly(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	if _, err := e.AddDevices(customerB, "theirs", Device{HardwareHash: hash("theirs")}); err != nil {
		t.Fatal(err)
	}
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("b",
		Device{HardwareHash: hash("1"), SerialNumber: "SN-1", ProductKey: "PK-1"},
		Device{SerialNumber: "SN-2", ProductKey: "PK-2"},
		Device{HardwareHash: hash("theirs"), SerialNumber: "SN-3"},
	)))
	clock.Advance(time.Minute)
	v := readJob(t, e, token, tid)
	id0, id1 := v.DevicesStatus[0].DeviceID, v.DevicesStatus[1].DeviceID
	second := statusItem(`"deviceId":"` + id1 + `","serialNumber":"SN-2","productKey":"PK-2","status":"finished",`)
	for _, tt := range []struct {
		answers Answers
		want    []string
	}{
		{Answers{}, []string{
			statusItem(`"deviceId":"` + id0 + `","serialNumber":"SN-1","productKey":"PK-1","status":"finished",`),
			second,
			statusItem(`"serialNumber":"SN-3","status":"finished_with_errors","errorCode":"808","errorDescription":"ZtdDeviceAssignedToOtherTenant",`),
		}},
		// Devices identified otherwise keep theirs.
		{Answers{StatusIDsOnly: true}, []string{
			statusItem(`"deviceId":"` + id0 + `","status":"finished",`),
			second,
			statusItem(`"status":"finished_with_errors","errorCode":"808","errorDescription":"ZtdDeviceAssignedToOtherTenant",`),
		}},
	} {
		e.SetAnswers(tt.answers)
		if got := statusItems(t, e, token, tid); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%+v:\n%s\nwant\n%s", tt.answers, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
	// A policy update's item of the same device is unchanged.
	tid = trackingID(t, request(e, token, http.MethodPatch, "/v1/customers/"+customerA+"/DevicePolicyUpdates",
		`{"devices":[{"id":"`+id0+`","policies":[{"key":"o_o_b_e","value":null}]}]}`))
	clock.Advance(time.Minute)
	want := statusItem(`"deviceId":"` + id0 + `","serialNumber":"SN-1","productKey":"PK-1","status":"finished",`)
	if got := statusItems(t, e, token, tid); len(got) != 1 || got[0] != want {
		t.Errorf("policy update: %s, want %s", got, want)
	}
}

func TestAnswerFailedJobsWithoutResults(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	e.SetAnswers(Answers{FailedJobsWithoutResults: true})
	failing := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("b", Device{ProductKey: "PK-1"}, Device{ProductKey: "PK-1"})))
	// Unchanged while it runs.
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{{0, "queued, queued, queued"}, {time.Second + 150*time.Millisecond, "processing, finished, processing"}} {
		clock.Advance(step.advance)
		if got := readJob(t, e, token, failing).summary(); got != step.want {
			t.Errorf("%s, want %s", got, step.want)
		}
	}
	clock.Advance(time.Minute)
	r := request(e, token, http.MethodGet, batchPath(customerA, failing), "")
	want := `{"batchTrackingId":"` + failing + `","status":"finished_with_errors","startedTime":"2026-05-06T07:08:10","completedTime":"2026-05-06T07:08:10",` +
		`"attributes":{"objectType":"BatchUploadDetails"}}`
	if r.status != http.StatusOK || r.body != want {
		t.Errorf("finished with errors: %d\n%s\nwant\n%s", r.status, r.body, want)
	}
	// A job finished without errors lists its devices.
	succeeding := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-2"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, succeeding).summary(); got != "finished, finished" {
		t.Errorf("finished: %s", got)
	}
	// So do policy updates.
	update := trackingID(t, request(e, token, http.MethodPatch, "/v1/customers/"+customerA+"/DevicePolicyUpdates",
		`{"devices":[{"id":"0000","policies":[{"key":"o_o_b_e","value":null}]}]}`))
	clock.Advance(time.Minute)
	if r := request(e, token, http.MethodGet, batchPath(customerA, update), ""); !strings.HasPrefix(r.body, `{"batchTrackingId":"`+update+`","status":"finished_with_errors",`) ||
		strings.Contains(r.body, "devicesStatus") {
		t.Errorf("policy update: %s", r.body)
	}
	// Fixed answers are served verbatim.
	fixed := `{"batchTrackingId":"f1","status":"finished_with_errors","devicesStatus":[{"status":"finished_with_errors"}]}`
	if err := e.PutBatch(customerA, []byte(fixed)); err != nil {
		t.Fatal(err)
	}
	if r := request(e, token, http.MethodGet, batchPath(customerA, "f1"), ""); r.body != fixed {
		t.Errorf("fixed answer: %s", r.body)
	}
	e.SetAnswers(Answers{})
	if got := readJob(t, e, token, failing).summary(); got != "finished_with_errors, finished, finished_with_errors /ZtdDeviceDuplicated" {
		t.Errorf("by default: %s", got)
	}
}

func TestAnswerPolicyUpdateKeepsDescription(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	p := readPolicy(t, request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"o_o_b_e","description":"D","policySettings":[]}`))
	path := policiesPath() + "/" + p.ID
	update := func(description string) string {
		t.Helper()
		return readPolicy(t, request(e, token, http.MethodPut, path, `{"id":"`+p.ID+`","name":"P","category":"o_o_b_e",`+description+`"policySettings":[]}`)).Description
	}
	if got := update(``); got != "" {
		t.Errorf("by default, no description: %q, want it cleared", got)
	}
	update(`"description":"D",`)
	e.SetAnswers(Answers{PolicyUpdateKeepsDescription: true})
	if got := update(``); got != "D" {
		t.Errorf("no description: %q, want D kept", got)
	}
	if got := readPolicy(t, request(e, token, http.MethodGet, path, "")).Description; got != "D" {
		t.Errorf("GET: %q", got)
	}
	if got := update(`"description":"E",`); got != "E" {
		t.Errorf("another description: %q", got)
	}
	if got := update(`"description":"",`); got != "" {
		t.Errorf(`"description":"": %q, want it cleared`, got)
	}
	if got := update(``); got != "" {
		t.Errorf("cleared, then no description: %q", got)
	}
}

// wantPolicy is the JSON of a policy named P of category none, created on
// newUploadEmulator's clock, with settings as answered.
func wantPolicy(id, category, settings string) string {
	return `{"id":"` + id + `","name":"P","category":"` + category + `","description":"","devicesAssignedCount":0,"policySettings":` + settings +
		`,"createdDate":"2026-05-06T07:08:09","lastModifiedDate":"2026-05-06T07:08:09","attributes":{"objectType":"ConfigurationPolicy"}}`
}

func TestAnswerEmptySettingsReadAsNone(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	e.SetAnswers(Answers{EmptySettingsReadAsNone: true})
	r := request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"none","policySettings":[]}`)
	id := readPolicy(t, r).ID
	asNone := wantPolicy(id, "none", `["none"]`)
	path := policiesPath() + "/" + id
	for name, got := range map[string]string{
		"create": r.body,
		"get":    strings.TrimPrefix(request(e, token, http.MethodGet, path, "").body, "\xEF\xBB\xBF"),
		"list":   collectionItems(t, request(e, token, http.MethodGet, policiesPath(), ""))[0],
		"update": request(e, token, http.MethodPut, path, `{"id":"`+id+`","name":"P","category":"none","policySettings":[]}`).body,
	} {
		if got != asNone {
			t.Errorf("%s:\n%s\nwant\n%s", name, got, asNone)
		}
	}
	if got := e.Policies(customerA)[0].PolicySettings; len(got) != 0 {
		t.Errorf("stored settings %q, want none", got)
	}
	e.SetAnswers(Answers{})
	if got := collectionItems(t, request(e, token, http.MethodGet, policiesPath(), ""))[0]; got != wantPolicy(id, "none", `[]`) {
		t.Errorf("by default: %s", got)
	}
}

func TestAnswerDeleteAssignedPolicy(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	policy := e.PutPolicy(customerA, ConfigurationPolicy{Name: "P", Category: PolicyCategoryOOBE})
	other := e.PutPolicy(customerA, ConfigurationPolicy{Name: "Q", Category: PolicyCategoryOOBE})
	if _, err := e.AddDevices(customerA, "b", Device{ID: "1111-0001", ProductKey: "PK-1"}, Device{ID: "1111-0002", ProductKey: "PK-2"}); err != nil {
		t.Fatal(err)
	}
	for id, p := range map[string]string{"1111-0001": policy, "1111-0002": other} {
		if err := e.SetDevicePolicy(customerA, "b", id, p); err != nil {
			t.Fatal(err)
		}
	}
	path := policiesPath() + "/" + policy
	r := request(e, token, http.MethodDelete, path, "")
	if want := `{"code":409,"description":"The configuration policy ` + policy + ` is assigned to 1 device(s). Assign those devices another policy, or none, before deleting it.","data":[],"source":"PartnerFD"}`; r.status != http.StatusConflict || r.body != want {
		t.Errorf("by default: %d %s", r.status, r.body)
	}
	e.SetAnswers(Answers{DeleteAssignedPolicy: true})
	if r := request(e, token, http.MethodDelete, path, ""); r.status != http.StatusNoContent || r.body != "" {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	if r := request(e, token, http.MethodGet, path, ""); r.status != http.StatusNotFound {
		t.Errorf("GET after DELETE: %d", r.status)
	}
	want := []string{
		listedDevice("1111-0001", `"productKey":"PK-1",`, noPolicy),
		listedDevice("1111-0002", `"productKey":"PK-2",`, `[{"key":"o_o_b_e","value":"`+other+`"}]`),
	}
	if got := collectionItems(t, request(e, token, http.MethodGet, devicesPath(customerA, "b"), "")); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("devices:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAnswerTotalCountPerPage(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	e.SetPageSize(2)
	// Five devices in b, three batches, three policies.
	if _, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK-1"}, Device{ProductKey: "PK-2"}, Device{ProductKey: "PK-3"},
		Device{ProductKey: "PK-4"}, Device{ProductKey: "PK-5"}); err != nil {
		t.Fatal(err)
	}
	for _, batch := range []string{"c", "d"} {
		if _, err := e.AddDevices(customerA, batch, Device{ProductKey: "PK-" + batch}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"P", "Q", "R"} {
		e.PutPolicy(customerA, ConfigurationPolicy{Name: name, Category: "none"})
	}
	for _, tt := range []struct {
		answers Answers
		want    string
	}{{Answers{}, "[5 5 5] [3 3] [3 3]"}, {Answers{TotalCountPerPage: true}, "[2 2 1] [2 1] [2 1]"}} {
		e.SetAnswers(tt.answers)
		var got []string
		for _, path := range []string{devicesPath(customerA, "b"), batchesPath(customerA), policiesPath()} {
			var counts []int
			var header []string
			for {
				r := request(e, token, http.MethodGet, path, "", header...)
				var p struct {
					TotalCount        int               `json:"totalCount"`
					Items             []json.RawMessage `json:"items"`
					ContinuationToken string            `json:"continuationToken"`
				}
				if err := json.Unmarshal([]byte(r.body), &p); err != nil {
					t.Fatalf("%s: %v in %s", path, err, r.body)
				}
				counts = append(counts, p.TotalCount)
				if p.ContinuationToken == "" {
					break
				}
				header = []string{"MS-ContinuationToken", p.ContinuationToken}
			}
			got = append(got, fmt.Sprint(counts))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%+v: totalCount of devices, batches and policies, page by page: %s, want %s", tt.answers, strings.Join(got, " "), tt.want)
		}
	}
}

func TestAnswerPascalCaseEnums(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	// Requests are understood in either spelling and stored as documented.
	r := request(e, token, http.MethodPost, policiesPath(),
		`{"name":"P","category":"OOBE","policySettings":["None","RemoveOemPreinstalls","OobeUserNotLocalAdmin","SkipExpressSettings","SkipOemRegistration","SkipEula"]}`)
	policy := readPolicy(t, r)
	documented := `"category":"o_o_b_e","description":"","devicesAssignedCount":0,` +
		`"policySettings":["none","remove_oem_preinstalls","oobe_user_not_local_admin","skip_express_settings","skip_oem_registration","skip_eula"]`
	if !strings.Contains(r.body, documented) {
		t.Errorf("created from PascalCase: %s", r.body)
	}
	if _, err := e.AddDevices(customerA, "b", Device{ID: "1111-0001", ProductKey: "PK-1"}); err != nil {
		t.Fatal(err)
	}
	devicePath := devicesPath(customerA, "b") + "/1111-0001"
	if r := request(e, token, http.MethodPut, devicePath, `{"policies":[{"key":"OOBE","value":"`+policy.ID+`"}]}`); r.status != http.StatusOK ||
		!strings.Contains(r.body, `"policies":[{"key":"o_o_b_e","value":"`+policy.ID+`"}]`) {
		t.Errorf("PUT with the key OOBE: %d %s", r.status, r.body)
	}
	update := trackingID(t, request(e, token, http.MethodPatch, "/v1/customers/"+customerA+"/DevicePolicyUpdates",
		`{"devices":[{"id":"1111-0001","policies":[{"key":"OOBE","value":"`+policy.ID+`"}]}]}`))
	upload := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-2"},{"productKey":"PK-2"}]`))

	e.SetAnswers(Answers{PascalCaseEnums: true, EmptySettingsReadAsNone: true})
	if got := readJob(t, e, token, upload).summary(); got != "Queued, Queued, Queued" {
		t.Errorf("queued: %s", got)
	}
	clock.Advance(time.Second + 150*time.Millisecond)
	if got := readJob(t, e, token, upload).summary(); got != "Processing, Finished, Processing" {
		t.Errorf("processing: %s", got)
	}
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, upload).summary(); got != "FinishedWithErrors, Finished, FinishedWithErrors /ZtdDeviceDuplicated" {
		t.Errorf("finished: %s", got)
	}
	if got := readJob(t, e, token, update).summary(); got != "Finished, Finished" {
		t.Errorf("policy update: %s", got)
	}
	pascal := `"category":"OOBE","description":"","devicesAssignedCount":1,` +
		`"policySettings":["None","RemoveOemPreinstalls","OobeUserNotLocalAdmin","SkipExpressSettings","SkipOemRegistration","SkipEula"]`
	if r := request(e, token, http.MethodGet, policiesPath()+"/"+policy.ID, ""); !strings.Contains(r.body, pascal) {
		t.Errorf("GET policy: %s", r.body)
	}
	none := readPolicy(t, request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"none","policySettings":[]}`))
	if r := request(e, token, http.MethodGet, policiesPath()+"/"+none.ID, ""); !strings.Contains(r.body, `"category":"None","description":"","devicesAssignedCount":0,"policySettings":["None"]`) {
		t.Errorf("GET policy of category none: %s", r.body)
	}
	want := listedDevice("1111-0001", `"productKey":"PK-1",`, `[{"key":"OOBE","value":"`+policy.ID+`"}]`)
	if got := collectionItems(t, request(e, token, http.MethodGet, devicesPath(customerA, "b"), "")); got[0] != want {
		t.Errorf("listed:\n%s\nwant\n%s", got[0], want)
	}
	if r := request(e, token, http.MethodPut, devicePath, `{"policies":[{"key":"o_o_b_e","value":"`+policy.ID+`"}]}`); r.body != want {
		t.Errorf("PUT:\n%s\nwant\n%s", r.body, want)
	}
	// Fixed answers are served verbatim; the store keeps the documented
	// spellings.
	if r := request(e, token, http.MethodGet, batchPath(SeedCustomerID, SeedBatchTrackingID), ""); r.body != seedPageBody {
		t.Errorf("seed batch: %s", r.body)
	}
	if got := e.Policies(customerA)[0]; got.Category != PolicyCategoryOOBE || strings.Join(got.PolicySettings, ",") != strings.Join(PolicySettings, ",") {
		t.Errorf("stored %+v", got)
	}
	if got := e.Devices(customerA, "b")[0].Policies[0].Key; got != PolicyCategoryOOBE {
		t.Errorf("stored key %s", got)
	}
	// Only the two spellings: a category of neither is refused, PascalCase
	// on or off.
	if r := request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"Oobe","policySettings":[]}`); r.status != http.StatusBadRequest {
		t.Errorf("category Oobe: %d %s", r.status, r.body)
	}
}

func TestAnswerBareArrayLists(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	e.SetPageSize(2)
	if _, err := e.AddDevices(customerA, "b", Device{ID: "1111-0001", ProductKey: "PK-1"}, Device{ID: "1111-0002", ProductKey: "PK-2"},
		Device{ID: "1111-0003", ProductKey: "PK-3"}); err != nil {
		t.Fatal(err)
	}
	e.PutPolicy(customerA, ConfigurationPolicy{Name: "P", Category: "none"})
	for _, path := range []string{devicesPath(customerA, "b"), batchesPath(customerA), policiesPath()} {
		if r := request(e, token, http.MethodGet, path, ""); !strings.HasPrefix(r.body, `{"totalCount":`) {
			t.Errorf("by default, %s: %s", path, r.body)
		}
	}
	e.SetAnswers(Answers{BareArrayLists: true})
	// Every device, unpaged.
	r := request(e, token, http.MethodGet, devicesPath(customerA, "b"), "")
	wantDevices := "[" + listedDevice("1111-0001", `"productKey":"PK-1",`, noPolicy) + "," +
		listedDevice("1111-0002", `"productKey":"PK-2",`, noPolicy) + "," + listedDevice("1111-0003", `"productKey":"PK-3",`, noPolicy) + "]"
	if r.status != http.StatusOK || r.body[0] != '[' || r.body != wantDevices {
		t.Errorf("devices: %d\n%s\nwant\n%s", r.status, r.body, wantDevices)
	}
	wantBatches := `[{"id":"b","createdBy":"` + UserPrincipalName + `","creationDate":"2026-05-06T07:08:09","devicesCount":3,` +
		`"devicesLink":{"uri":"/customers/` + customerA + `/deviceBatches/b/devices","method":"GET","headers":[]},"attributes":{"objectType":"DeviceBatch"}}]`
	if r := request(e, token, http.MethodGet, batchesPath(customerA), ""); r.status != http.StatusOK || r.body != wantBatches {
		t.Errorf("batches: %d\n%s\nwant\n%s", r.status, r.body, wantBatches)
	}
	if r := request(e, token, http.MethodGet, batchesPath(customerB), ""); r.status != http.StatusOK || r.body != `[]` {
		t.Errorf("no batches: %d %s", r.status, r.body)
	}
	// The policy list stays a collection.
	if r := request(e, token, http.MethodGet, policiesPath(), ""); !strings.HasPrefix(r.body, `{"totalCount":1,"items":[`) {
		t.Errorf("policies: %s", r.body)
	}
}

func TestAnswerCaseSensitiveBatchNames(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("Contoso", Device{ProductKey: "PK-1"})))
	clock.Advance(time.Minute)
	if r := request(e, token, http.MethodPost, batchesPath(customerA), createBody("contoso", Device{ProductKey: "PK-2"})); r.status != http.StatusConflict {
		t.Errorf("by default, contoso beside Contoso: %d %s", r.status, r.body)
	}
	if got := collectionItems(t, request(e, token, http.MethodGet, devicesPath(customerA, "CONTOSO"), "")); len(got) != 1 {
		t.Errorf("by default, CONTOSO: %d devices", len(got))
	}

	e.SetAnswers(Answers{CaseSensitiveBatchNames: true})
	tid := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("contoso", Device{ProductKey: "PK-2"})))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" {
		t.Errorf("upload into contoso: %s", got)
	}
	tid = trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "contoso"), `[{"productKey":"PK-3"}]`))
	clock.Advance(time.Minute)
	if got := readJob(t, e, token, tid).summary(); got != "finished, finished" {
		t.Errorf("second upload into contoso: %s", got)
	}
	for path, status := range map[string]int{
		devicesPath(customerA, "Contoso"): http.StatusOK,
		devicesPath(customerA, "contoso"): http.StatusOK,
		devicesPath(customerA, "CONTOSO"): http.StatusNotFound,
	} {
		if r := request(e, token, http.MethodGet, path, ""); r.status != status {
			t.Errorf("GET %s: %d, want %d", path, r.status, status)
		}
		if r := request(e, token, http.MethodPost, path, `[{"productKey":"PK-9"}]`); status == http.StatusNotFound && r.status != status {
			t.Errorf("POST %s: %d, want %d", path, r.status, status)
		}
	}
	var got []string
	for _, b := range e.Batches(customerA) {
		got = append(got, fmt.Sprintf("%s:%d", b.ID, b.DevicesCount))
	}
	if strings.Join(got, " ") != "Contoso:1 contoso:2" {
		t.Errorf("batches %s", got)
	}
	// The helpers match exactly too.
	upper := e.Devices(customerA, "Contoso")
	if len(upper) != 1 || upper[0].ProductKey != "PK-1" || len(e.Devices(customerA, "contoso")) != 2 || e.Devices(customerA, "CONTOSO") != nil {
		t.Errorf("Devices: %+v", upper)
	}
	if err := e.DeleteDevice(customerA, "contoso", upper[0].ID); err == nil {
		t.Error("DeleteDevice found Contoso's device in contoso")
	}
	if err := e.SetDevicePolicy(customerA, "contoso", upper[0].ID, "p"); err == nil {
		t.Error("SetDevicePolicy found Contoso's device in contoso")
	}
	devicePath := devicesPath(customerA, "contoso") + "/" + upper[0].ID
	if r := request(e, token, http.MethodDelete, devicePath, ""); r.status != http.StatusNotFound {
		t.Errorf("DELETE of Contoso's device in contoso: %d", r.status)
	}
	if _, err := e.AddDevices(customerA, "CONTOSO", Device{ProductKey: "PK-4"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Batches(customerA)); n != 3 {
		t.Errorf("AddDevices to CONTOSO: %d batches, want a third", n)
	}
}

func TestAnswerMaxDevicesPerUpload(t *testing.T) {
	t.Parallel()
	e, token, _ := newUploadEmulator()
	three := []Device{{ProductKey: "PK-1"}, {ProductKey: "PK-2"}, {ProductKey: "PK-3"}}
	trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("any", three...)))

	e.SetAnswers(Answers{MaxDevicesPerUpload: 2})
	refused := `{"code":800002,"description":"Invalid request input","data":["The request holds too many devices, 3: at most 2 devices a request. ` +
		`Upload the others in further requests."],"source":"PartnerFD"}`
	if r := request(e, token, http.MethodPost, batchesPath(customerA), createBody("capped", three...)); r.status != http.StatusBadRequest || r.body != refused {
		t.Errorf("create with 3: %d %s", r.status, r.body)
	}
	if got := e.Batches(customerA); len(got) != 1 {
		t.Errorf("a refused creation made a batch: %+v", got)
	}
	trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("capped", three[:2]...)))
	body := string(mustMarshal([]Device{{ProductKey: "PK-4"}, {ProductKey: "PK-5"}, {ProductKey: "PK-6"}}))
	if r := request(e, token, http.MethodPost, devicesPath(customerA, "capped"), body); r.status != http.StatusBadRequest || r.body != refused {
		t.Errorf("upload of 3: %d %s", r.status, r.body)
	}
	trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "capped"), `[{"productKey":"PK-4"},{"productKey":"PK-5"}]`))
}

func TestAnswerStatusExpiry(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	e.SetAnswers(Answers{StatusExpiry: 24 * time.Hour})
	// Finished 1.1 s after its start, as the other is.
	read := trackingID(t, request(e, token, http.MethodPost, batchesPath(customerA), createBody("b", Device{ProductKey: "PK-1"})))
	unread := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-2"}]`))
	e.SetJobTiming(48*time.Hour, 0)
	running := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-3"}]`))
	clock.Advance(1100 * time.Millisecond)
	if got := readJob(t, e, token, read).summary(); got != "finished, finished" {
		t.Fatalf("just finished: %s", got)
	}
	clock.Advance(24 * time.Hour)
	if got := readJob(t, e, token, read).summary(); got != "finished, finished" {
		t.Errorf("finished for 24 h: %s", got)
	}
	clock.Advance(time.Nanosecond)
	for _, tid := range []string{read, unread} {
		if r := request(e, token, http.MethodGet, batchPath(customerA, tid), ""); r.status != http.StatusNotFound || r.body != notFoundBody {
			t.Errorf("finished for longer than 24 h: %d %s", r.status, r.body)
		}
	}
	// Jobs still running and fixed answers never expire.
	if got := readJob(t, e, token, running).summary(); got != "queued, queued" {
		t.Errorf("running: %s", got)
	}
	if r := request(e, token, http.MethodGet, batchPath(SeedCustomerID, SeedBatchTrackingID), ""); r.status != http.StatusOK {
		t.Errorf("seed batch: %d", r.status)
	}
	e.SetAnswers(Answers{})
	if got := readJob(t, e, token, read).summary(); got != "finished, finished" {
		t.Errorf("by default: %s", got)
	}
}

// Answers change while requests read them: the race detector watches.
func TestSetAnswersUnderConcurrentUse(t *testing.T) {
	t.Parallel()
	e, token, clock := newUploadEmulator()
	e.SetJobTiming(0, time.Millisecond)
	if _, err := e.AddDevices(customerA, "b", Device{HardwareHash: hash("1")}); err != nil {
		t.Fatal(err)
	}
	tid := trackingID(t, request(e, token, http.MethodPost, devicesPath(customerA, "b"), `[{"productKey":"PK-1"}]`))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				if g == 0 {
					e.SetAnswers(Answers{ListHardwareHashes: i%2 == 0, PascalCaseEnums: i%3 == 0, BareArrayLists: i%2 == 1})
					clock.Advance(time.Millisecond)
					continue
				}
				request(e, token, http.MethodGet, devicesPath(customerA, "b"), "")
				request(e, token, http.MethodGet, batchPath(customerA, tid), "")
				e.Devices(customerA, "b")
			}
		})
	}
	wg.Wait()
}
