package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// policiesPath is the path of customerA's policies.
func policiesPath() string { return "/v1/customers/" + customerA + "/policies" }

// readPolicy decodes a policy answer, failing t unless it is a 200.
func readPolicy(t *testing.T, r response) ConfigurationPolicy {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d body %s, want 200", r.status, r.body)
	}
	var p ConfigurationPolicy
	if err := json.Unmarshal([]byte(strings.TrimPrefix(r.body, "\xEF\xBB\xBF")), &p); err != nil {
		t.Fatalf("%v in %s", err, r.body)
	}
	return p
}

func TestPolicyLifecycle(t *testing.T) {
	e, token, clock := newUploadEmulator()
	r := request(e, token, http.MethodPost, policiesPath(),
		`{"name":"Windows 10 Enterprise E5","category":"o_o_b_e","description":"test policy creation from API","policySettings":["oobe_user_not_local_admin","skip_express_settings"]}`)
	created := readPolicy(t, r)
	want := `{"id":"` + created.ID + `","name":"Windows 10 Enterprise E5","category":"o_o_b_e","description":"test policy creation from API",` +
		`"devicesAssignedCount":0,"policySettings":["oobe_user_not_local_admin","skip_express_settings"],` +
		`"createdDate":"2026-05-06T07:08:09","lastModifiedDate":"2026-05-06T07:08:09","attributes":{"objectType":"ConfigurationPolicy"}}`
	if !guidPattern.MatchString(created.ID) || r.body != want {
		t.Errorf("created:\n%s\nwant\n%s", r.body, want)
	}
	policyPath := policiesPath() + "/" + strings.ToUpper(created.ID)
	got := request(e, token, http.MethodGet, policyPath, "")
	if got.status != http.StatusOK || got.body != "\xEF\xBB\xBF"+want || got.header.Get("Content-Length") != strconv.Itoa(3+len(want)) {
		t.Errorf("GET: %d Content-Length %s %q, want the same policy after a byte order mark", got.status, got.header.Get("Content-Length"), got.body)
	}
	list := request(e, token, http.MethodGet, policiesPath(), "")
	if list.status != http.StatusOK || !strings.HasPrefix(list.body, `{"totalCount":1,"items":[`+want+`]`) {
		t.Errorf("list: %d %s", list.status, list.body)
	}

	clock.Advance(time.Hour)
	updated := readPolicy(t, request(e, token, http.MethodPut, policyPath,
		`{"id":"`+created.ID+`","name":"Renamed","category":"o_o_b_e","policySettings":["skip_eula"]}`))
	if updated.Name != "Renamed" || updated.Description != "" || strings.Join(updated.PolicySettings, ",") != "skip_eula" ||
		updated.CreatedDate != "2026-05-06T07:08:09" || updated.LastModifiedDate != "2026-05-06T08:08:09" {
		t.Errorf("updated: %+v", updated)
	}
	if again := readPolicy(t, request(e, token, http.MethodGet, policyPath, "")); again.Name != "Renamed" {
		t.Errorf("GET after PUT: %+v", again)
	}
	if r := request(e, token, http.MethodDelete, policyPath, ""); r.status != http.StatusNoContent || r.body != "" {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if r := request(e, token, method, policyPath, ""); r.status != http.StatusNotFound || r.body != notFoundBody {
			t.Errorf("%s after DELETE: %d %q", method, r.status, r.body)
		}
	}
	if r := request(e, token, http.MethodPut, policyPath, `{"id":"`+created.ID+`","name":"N","category":"o_o_b_e","policySettings":[]}`); r.status != http.StatusNotFound {
		t.Errorf("PUT after DELETE: %d", r.status)
	}
}

func TestPolicyRefusals(t *testing.T) {
	e, token, _ := newUploadEmulator()
	id := readPolicy(t, request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"o_o_b_e","policySettings":[]}`)).ID
	policyPath := policiesPath() + "/" + id
	tests := []struct {
		name, method, path, body, want string
	}{
		{"no name", http.MethodPost, policiesPath(), `{"category":"o_o_b_e","policySettings":["skip_eula"]}`, "name of the policy is required"},
		{"no category", http.MethodPost, policiesPath(), `{"name":"P","policySettings":["skip_eula"]}`, "category of the policy is required"},
		{"unknown category", http.MethodPost, policiesPath(), `{"name":"P","category":"oobe","policySettings":[]}`, `Unknown policy category \"oobe\"`},
		{"no settings", http.MethodPost, policiesPath(), `{"name":"P","category":"none"}`, "policySettings of the policy are required"},
		{"null settings", http.MethodPost, policiesPath(), `{"name":"P","category":"none","policySettings":null}`, "policySettings of the policy are required"},
		{"unknown setting", http.MethodPost, policiesPath(), `{"name":"P","category":"none","policySettings":["skip_eula","skip_everything"]}`,
			`Unknown policy setting \"skip_everything\": each is one of none, remove_oem_preinstalls`},
		{"not JSON", http.MethodPost, policiesPath(), `{"name":`, "not the JSON expected"},
		{"update without id", http.MethodPut, policyPath, `{"name":"P","category":"o_o_b_e","policySettings":[]}`, "id of the policy is required"},
		{"update of another id", http.MethodPut, policyPath, `{"id":"x","name":"P","category":"o_o_b_e","policySettings":[]}`, "is not the policy"},
		{"update without settings", http.MethodPut, policyPath, `{"id":"` + id + `","name":"P","category":"o_o_b_e"}`, "policySettings of the policy are required"},
		{"category change", http.MethodPut, policyPath, `{"id":"` + id + `","name":"P","category":"none","policySettings":[]}`,
			`"description":"The category of a configuration policy cannot be changed: policy ` + id + ` is o_o_b_e, not none. Create a policy of category none instead."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(e, token, tt.method, tt.path, tt.body)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":800002`) || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d body %s, want 400 with %s", r.status, r.body, tt.want)
			}
		})
	}
	if got := e.Policies(customerA); len(got) != 1 || got[0].Name != "P" || got[0].Category != PolicyCategoryOOBE {
		t.Errorf("policies %+v, want the first unchanged", got)
	}
}

func TestPolicyBodiesInPascalCase(t *testing.T) {
	e, token, _ := newUploadEmulator()
	p := readPolicy(t, request(e, token, http.MethodPost, policiesPath(),
		`{"Name":"Pascal","Category":"o_o_b_e","Description":"D","PolicySettings":["skip_eula"],"Attributes":{"ObjectType":"ConfigurationPolicy"}}`))
	if p.Name != "Pascal" || p.Description != "D" || strings.Join(p.PolicySettings, ",") != "skip_eula" {
		t.Errorf("created %+v", p)
	}
	p = readPolicy(t, request(e, token, http.MethodPut, policiesPath()+"/"+p.ID,
		`{"Id":"`+p.ID+`","Name":"Renamed","Category":"o_o_b_e","PolicySettings":["none"]}`))
	if p.Name != "Renamed" || strings.Join(p.PolicySettings, ",") != "none" {
		t.Errorf("updated %+v", p)
	}
}

func TestDevicesAssignedField(t *testing.T) {
	e, token, _ := newUploadEmulator()
	id := e.PutPolicy(customerA, ConfigurationPolicy{Name: "P", Category: PolicyCategoryOOBE, PolicySettings: []string{"skip_eula"}})
	ids, err := e.AddDevices(customerA, "b", Device{ProductKey: "PK"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetDevicePolicy(customerA, "b", ids[0], id); err != nil {
		t.Fatal(err)
	}
	e.UseDevicesAssignedField(true)
	for _, path := range []string{policiesPath(), policiesPath() + "/" + id} {
		r := request(e, token, http.MethodGet, path, "")
		if !strings.Contains(r.body, `"devicesAssigned":1,`) || strings.Contains(r.body, "devicesAssignedCount") {
			t.Errorf("GET %s: %s", path, r.body)
		}
	}
	e.UseDevicesAssignedField(false)
	if r := request(e, token, http.MethodGet, policiesPath()+"/"+id, ""); !strings.Contains(r.body, `"devicesAssignedCount":1,`) {
		t.Errorf("back to devicesAssignedCount: %s", r.body)
	}
}

// Tests change policies behind a client's back to make drift.
func TestPolicyHelpers(t *testing.T) {
	e, token, clock := newUploadEmulator()
	id := readPolicy(t, request(e, token, http.MethodPost, policiesPath(), `{"name":"P","category":"o_o_b_e","policySettings":["skip_eula"]}`)).ID
	clock.Advance(time.Minute)
	changed := e.Policies(customerA)[0]
	changed.Name, changed.PolicySettings, changed.LastModifiedDate = "Changed in the portal", []string{"skip_oem_registration"}, ""
	if got := e.PutPolicy(customerA, changed); got != id {
		t.Errorf("PutPolicy returned %s, want %s", got, id)
	}
	p := readPolicy(t, request(e, token, http.MethodGet, policiesPath()+"/"+id, ""))
	if p.Name != "Changed in the portal" || strings.Join(p.PolicySettings, ",") != "skip_oem_registration" ||
		p.CreatedDate != "2026-05-06T07:08:09" || p.LastModifiedDate != "2026-05-06T07:09:09" {
		t.Errorf("after PutPolicy: %+v", p)
	}
	second := e.PutPolicy(customerA, ConfigurationPolicy{Name: "Second", Category: "none"})
	if got := e.Policies(customerA); len(got) != 2 || got[1].ID != second || !guidPattern.MatchString(second) {
		t.Errorf("policies %+v", got)
	}
	// Policies hands out copies.
	e.Policies(customerA)[0].PolicySettings[0] = "changed"
	if e.Policies(customerA)[0].PolicySettings[0] != "skip_oem_registration" {
		t.Error("changing what Policies returned changed the store")
	}
	if err := e.DeletePolicy(customerA, id); err != nil {
		t.Fatal(err)
	}
	if err := e.DeletePolicy(customerA, id); err == nil {
		t.Error("deleting a deleted policy succeeded")
	}
	if r := request(e, token, http.MethodGet, policiesPath()+"/"+id, ""); r.status != http.StatusNotFound {
		t.Errorf("GET of a deleted policy: %d", r.status)
	}
	if got := e.Policies(customerB); len(got) != 0 {
		t.Errorf("another customer's policies: %+v", got)
	}
}
