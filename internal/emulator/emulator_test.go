package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// seedPageBody is the example response body of the seed page, "Get the status
// of a device batch upload", copied from the page.
const seedPageBody = `{
    "batchTrackingId": "0127ed8e-ff72-4983-a3d8-e8d8bd378932",
    "status": "finished",
    "startedTime": "2017-07-25T10:00:00",
    "completedTime": "2017-07-25T10:10:00",
    "devicesStatus": [{
            "serialNumber": "1234567890",
            "productKey": "12345-67890-09876-54321-13579",
            "status": "finished_with_errors",
            "errorCode": "808",
            "errorDescription": "ZtdDeviceAssignedToOtherTenant",
            "attributes": {
                "objectType": "DeviceUploadDetails"
            }
        }
    ],
    "attributes": {
        "objectType": "BatchUploadDetails"
    }
}`

const (
	accessDeniedBody = `{"code":400,"description":"Access denied","data":[],"source":"PartnerFD"}`
	notFoundBody     = `{"code":1000,"description":"Not found","data":[],"source":"PartnerFD"}`
	jsonContentType  = "application/json; charset=utf-8"
)

var (
	guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	cvPattern   = regexp.MustCompile(`^[A-Za-z0-9+/]{16}\.0$`)
)

// response is a recorded answer with its body read.
type response struct {
	status int
	header http.Header
	body   string
}

// serve sends one request to e in-process.
func serve(e *Emulator, method, target string, header http.Header, body io.Reader) response {
	r := httptest.NewRequest(method, target, body)
	for name, values := range header {
		// Canonicalized, as a server reading the request from the wire does.
		for _, v := range values {
			r.Header.Add(name, v)
		}
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return response{status: w.Code, header: w.Header(), body: w.Body.String()}
}

// getBatch asks e for a batch's status with token.
func getBatch(e *Emulator, path, token string) response {
	return serve(e, http.MethodGet, path, http.Header{"Authorization": {"Bearer " + token}}, nil)
}

func batchPath(customerID, trackingID string) string {
	return "/v1/customers/" + customerID + "/batchJobStatus/" + trackingID
}

func TestSeedBatchIsServedByteForByte(t *testing.T) {
	file, err := os.ReadFile("fixtures/seed-batch-status.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != seedPageBody {
		t.Fatalf("fixtures/seed-batch-status.json differs from the seed page's example response:\n%s", file)
	}
	e := New()
	got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), e.NewAccessToken(DefaultTenantID, time.Hour))
	if got.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", got.status, got.body)
	}
	if got.body != seedPageBody {
		t.Errorf("body:\n%s\nwant the seed page's:\n%s", got.body, seedPageBody)
	}
	if ct := got.header.Get("Content-Type"); ct != jsonContentType {
		t.Errorf("Content-Type %q, want %q", ct, jsonContentType)
	}
	if cl := got.header.Get("Content-Length"); cl != "627" {
		t.Errorf("Content-Length %s, want 627", cl)
	}
}

func TestBatchStatus(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		// wantBody is compared exactly; wantTracking, when set, is the
		// batchTrackingId and wantState the status of a 200 body.
		wantBody     string
		wantTracking string
		wantState    string
		wantAllow    string
	}{
		{name: "seed page's request path", method: http.MethodGet,
			path:       "/v1/customers/" + SeedCustomerID + "/batchjobstatus/" + SeedBatchTrackingID,
			wantStatus: http.StatusOK, wantBody: seedPageBody},
		{name: "upper-case IDs", method: http.MethodGet,
			path:       "/v1/customers/" + strings.ToUpper(SeedCustomerID) + "/batchjobstatus/" + strings.ToUpper(SeedBatchTrackingID),
			wantStatus: http.StatusOK, wantBody: seedPageBody},
		{name: "upper-case IDs and path", method: http.MethodGet,
			path:       "/V1/CUSTOMERS/" + strings.ToUpper(SeedCustomerID) + "/BATCHJOBSTATUS/" + strings.ToUpper(SeedBatchTrackingID),
			wantStatus: http.StatusOK, wantBody: seedPageBody},
		{name: "processing fixture", method: http.MethodGet, path: batchPath(SeedCustomerID, ProcessingBatchTrackingID),
			wantStatus: http.StatusOK, wantTracking: ProcessingBatchTrackingID, wantState: "processing"},
		{name: "queued fixture", method: http.MethodGet, path: batchPath(SeedCustomerID, QueuedBatchTrackingID),
			wantStatus: http.StatusOK, wantTracking: QueuedBatchTrackingID, wantState: "queued"},
		{name: "unknown batch", method: http.MethodGet, path: batchPath(SeedCustomerID, "00000000-0000-4000-8000-000000000000"),
			wantStatus: http.StatusNotFound, wantBody: notFoundBody},
		{name: "batch of another customer", method: http.MethodGet, path: batchPath("00000000-0000-4000-8000-000000000000", SeedBatchTrackingID),
			wantStatus: http.StatusNotFound, wantBody: notFoundBody},
		{name: "unknown path", method: http.MethodGet, path: "/v1/customers/" + SeedCustomerID + "/devices",
			wantStatus: http.StatusNotFound, wantBody: notFoundBody},
		{name: "trailing slash", method: http.MethodGet, path: batchPath(SeedCustomerID, SeedBatchTrackingID) + "/",
			wantStatus: http.StatusNotFound, wantBody: notFoundBody},
		{name: "other method", method: http.MethodPost, path: batchPath(SeedCustomerID, SeedBatchTrackingID),
			wantStatus: http.StatusMethodNotAllowed, wantAllow: http.MethodGet,
			wantBody: `{"code":405,"description":"Method not allowed","data":[],"source":"PartnerFD"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(e, tt.method, tt.path, http.Header{"Authorization": {"Bearer " + token}}, nil)
			if got.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type %q, want %q", ct, jsonContentType)
			}
			if allow := got.header.Get("Allow"); allow != tt.wantAllow {
				t.Errorf("Allow %q, want %q", allow, tt.wantAllow)
			}
			if tt.wantTracking == "" {
				if got.body != tt.wantBody {
					t.Errorf("body %s, want %s", got.body, tt.wantBody)
				}
				return
			}
			var details struct{ BatchTrackingID, Status string }
			if err := json.Unmarshal([]byte(got.body), &details); err != nil {
				t.Fatal(err)
			}
			if details.BatchTrackingID != tt.wantTracking || details.Status != tt.wantState {
				t.Errorf("batch %s status %q, want %s %q", details.BatchTrackingID, details.Status, tt.wantTracking, tt.wantState)
			}
		})
	}
}

func TestFixtureBatches(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	tests := []struct {
		trackingID string
		want       map[string]any
	}{
		{ProcessingBatchTrackingID, map[string]any{
			"batchTrackingId": ProcessingBatchTrackingID,
			"status":          "processing",
			"startedTime":     "2017-07-26T09:30:00",
			"completedTime":   "0001-01-01T00:00:00",
			"devicesStatus": []any{
				map[string]any{
					"deviceId":     "c7a1e4b2-3d5f-4e69-8a0b-1c2d3e4f5a6b",
					"serialNumber": "2345678901",
					"productKey":   "23456-78901-98765-43210-24680",
					"status":       "finished",
					"attributes":   map[string]any{"objectType": "DeviceUploadDetails"},
				},
				map[string]any{
					"serialNumber": "3456789012",
					"productKey":   "34567-89012-87654-32109-35791",
					"status":       "processing",
					"attributes":   map[string]any{"objectType": "DeviceUploadDetails"},
				},
			},
			"attributes": map[string]any{"objectType": "BatchUploadDetails"},
		}},
		{QueuedBatchTrackingID, map[string]any{
			"batchTrackingId": QueuedBatchTrackingID,
			"status":          "queued",
			"startedTime":     "0001-01-01T00:00:00",
			"devicesStatus":   []any{},
			"attributes":      map[string]any{"objectType": "BatchUploadDetails"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.trackingID, func(t *testing.T) {
			got := getBatch(e, batchPath(SeedCustomerID, tt.trackingID), token)
			var body map[string]any
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatalf("status %d, body %s: %v", got.status, got.body, err)
			}
			gotJSON, _ := json.Marshal(body)
			wantJSON, _ := json.Marshal(tt.want)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("body %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestPartnerCenterRefusesMissingOrInvalidTokens(t *testing.T) {
	e := New()
	e.RegisterApp("11111111-1111-4111-8111-111111111111", DefaultClientID, DefaultClientSecret)
	tests := []struct {
		name          string
		authorization string
		wantStatus    int
	}{
		{"no Authorization header", "", http.StatusUnauthorized},
		{"not a bearer token", "Basic " + e.NewAccessToken(DefaultTenantID, time.Hour), http.StatusUnauthorized},
		{"bearer without token", "Bearer", http.StatusUnauthorized},
		{"token the emulator never issued", "Bearer not-a-token", http.StatusUnauthorized},
		{"expired token", "Bearer " + e.NewAccessToken(DefaultTenantID, -time.Second), http.StatusUnauthorized},
		{"token of an unregistered tenant", "Bearer " + e.NewAccessToken("22222222-2222-4222-8222-222222222222", time.Hour), http.StatusUnauthorized},
		{"valid token", "Bearer " + e.NewAccessToken(DefaultTenantID, time.Hour), http.StatusOK},
		{"scheme in lower case", "bearer " + e.NewAccessToken(DefaultTenantID, time.Hour), http.StatusOK},
		{"token of another registered tenant", "Bearer " + e.NewAccessToken("11111111-1111-4111-8111-111111111111", time.Hour), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.authorization != "" {
				header.Set("Authorization", tt.authorization)
			}
			got := serve(e, http.MethodGet, batchPath(SeedCustomerID, SeedBatchTrackingID), header, nil)
			if got.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			if got.body != accessDeniedBody {
				t.Errorf("body %s, want %s", got.body, accessDeniedBody)
			}
			if v := got.header.Get("WWW-Authenticate"); v != "Bearer" {
				t.Errorf("WWW-Authenticate %q, want Bearer", v)
			}
			if v := got.header.Get("MS-RequestId"); !guidPattern.MatchString(v) {
				t.Errorf("MS-RequestId %q, want a GUID", v)
			}
		})
	}
}

func TestPartnerCenterResponseHeaders(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	const requestID, correlationID = "e88d014d-ab70-41de-90a0-f7fd1797267d", "de894e18-f027-4ac0-8b5a-34f0c222af0c"
	paths := map[string]string{
		"found":     batchPath(SeedCustomerID, SeedBatchTrackingID),
		"not found": batchPath(SeedCustomerID, "00000000-0000-4000-8000-000000000000"),
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			echoed := serve(e, http.MethodGet, path, http.Header{
				"Authorization":    {"Bearer " + token},
				"Ms-Requestid":     {requestID},
				"Ms-Correlationid": {correlationID},
			}, nil)
			if v := echoed.header.Get("MS-RequestId"); v != requestID {
				t.Errorf("MS-RequestId %q, want %q", v, requestID)
			}
			if v := echoed.header.Get("MS-CorrelationId"); v != correlationID {
				t.Errorf("MS-CorrelationId %q, want %q", v, correlationID)
			}
			if v := echoed.header.Get("MS-CV"); !cvPattern.MatchString(v) {
				t.Errorf("MS-CV %q, want 16 base64 characters and .0", v)
			}
			if v := echoed.header.Get("MS-ServerId"); v != "030020344" {
				t.Errorf("MS-ServerId %q, want 030020344", v)
			}

			fresh := getBatch(e, path, token)
			for _, name := range []string{"MS-RequestId", "MS-CorrelationId"} {
				if v := fresh.header.Get(name); !guidPattern.MatchString(v) {
					t.Errorf("without a request header, %s %q, want a new GUID", name, v)
				}
			}
			if fresh.header.Get("MS-RequestId") == fresh.header.Get("MS-CorrelationId") {
				t.Error("new MS-RequestId and MS-CorrelationId are the same GUID")
			}
			if fresh.header.Get("MS-CV") == echoed.header.Get("MS-CV") {
				t.Error("two responses carry the same MS-CV")
			}
		})
	}
}

func TestRequestsAreRecorded(t *testing.T) {
	e := New()
	requestToken(e, DefaultTenantID, validTokenForm(), http.Header{"Client-Request-Id": {"c0ffee00-0000-4000-8000-000000000000"}})
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	serve(e, http.MethodGet, batchPath(SeedCustomerID, SeedBatchTrackingID)+"?x=1", http.Header{"Authorization": {"Bearer " + token}}, nil)
	serve(e, http.MethodGet, "/", nil, nil)

	got := e.Requests()
	if len(got) != 3 {
		t.Fatalf("%d requests recorded, want 3", len(got))
	}
	tokenRequest := got[0]
	if tokenRequest.Method != http.MethodPost || tokenRequest.Path != "/"+DefaultTenantID+"/oauth2/v2.0/token" || tokenRequest.RawQuery != "" {
		t.Errorf("token request recorded as %s %s?%s", tokenRequest.Method, tokenRequest.Path, tokenRequest.RawQuery)
	}
	wantForm := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {DefaultClientID},
		"client_secret": {"REDACTED"},
		"scope":         {"https://api.partnercenter.microsoft.com/.default openid offline_access profile"},
	}
	if tokenRequest.Form.Encode() != wantForm.Encode() {
		t.Errorf("token request form %v, want %v", tokenRequest.Form, wantForm)
	}
	if v := tokenRequest.Header.Get("Client-Request-Id"); v != "c0ffee00-0000-4000-8000-000000000000" {
		t.Errorf("token request header Client-Request-Id %q", v)
	}
	batchRequest := got[1]
	if batchRequest.Method != http.MethodGet || batchRequest.Path != batchPath(SeedCustomerID, SeedBatchTrackingID) ||
		batchRequest.RawQuery != "x=1" || batchRequest.Form != nil || batchRequest.Header.Get("Authorization") != "Bearer "+token {
		t.Errorf("batch request recorded as %+v", batchRequest)
	}
	if got[2].Path != "/" {
		t.Errorf("third request path %q, want /", got[2].Path)
	}

	// Requests hands out copies.
	got[0].Form.Set("client_secret", "changed")
	got[1].Header.Set("Authorization", "changed")
	again := e.Requests()
	if again[0].Form.Get("client_secret") != "REDACTED" || again[1].Header.Get("Authorization") != "Bearer "+token {
		t.Error("changing what Requests returned changed the emulator's record")
	}
}

func TestPutBatch(t *testing.T) {
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	const customerID = "ABCDEF00-0000-4000-8000-000000000000"
	body := []byte(`{"batchTrackingId":"FEDCBA00-0000-4000-8000-000000000000","status":"queued"}`)
	if err := e.PutBatch(customerID, body); err != nil {
		t.Fatal(err)
	}
	want := string(body)
	copy(body, "XXXXXXXX") // the emulator keeps its own copy
	path := batchPath(strings.ToLower(customerID), "fedcba00-0000-4000-8000-000000000000")
	if got := getBatch(e, path, token); got.status != http.StatusOK || got.body != want {
		t.Fatalf("status %d body %s, want 200 %s", got.status, got.body, want)
	}

	replacement := `{"batchTrackingId":"fedcba00-0000-4000-8000-000000000000","status":"finished"}`
	if err := e.PutBatch(customerID, []byte(replacement)); err != nil {
		t.Fatal(err)
	}
	if got := getBatch(e, path, token); got.body != replacement {
		t.Errorf("after replacing: body %s, want %s", got.body, replacement)
	}

	invalid := []struct {
		name, customerID, body, wantErr string
	}{
		{"no batchTrackingId", customerID, `{"status":"queued"}`, "batch of customer " + customerID + " has no batchTrackingId"},
		{"empty batchTrackingId", customerID, `{"batchTrackingId":""}`, "has no batchTrackingId"},
		{"not JSON", customerID, `status: queued`, "is not a BatchUploadDetails object"},
		{"not an object", customerID, `["x"]`, "is not a BatchUploadDetails object"},
		{"no customer", "", `{"batchTrackingId":"x"}`, "batch without a customer ID"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			err := e.PutBatch(tt.customerID, []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadFixtures(t *testing.T) {
	const file = `{"batches": [
		{"customerId": "c1", "response": {"batchTrackingId": "T1", "status": "finished"}},
		{"customerId": "c2", "response": {
			"batchTrackingId": "t2",
			"status": "queued"
		}}
	]}`
	e := New()
	token := e.NewAccessToken(DefaultTenantID, time.Hour)
	if err := e.LoadFixtures(strings.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		batchPath("c1", "t1"): `{"batchTrackingId": "T1", "status": "finished"}`,
		batchPath("C2", "T2"): "{\n\t\t\t\"batchTrackingId\": \"t2\",\n\t\t\t\"status\": \"queued\"\n\t\t}",
	}
	for path, body := range want {
		if got := getBatch(e, path, token); got.status != http.StatusOK || got.body != body {
			t.Errorf("GET %s: status %d body %q, want %q", path, got.status, got.body, body)
		}
	}
	// The seed batch is still there.
	if got := getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token); got.body != seedPageBody {
		t.Errorf("seed batch replaced by %s", got.body)
	}

	invalid := []struct {
		name, file, wantErr string
	}{
		{"not JSON", `batches:`, "reading fixtures: invalid character"},
		{"unknown field", `{"batches": [{"customer": "c3", "response": {"batchTrackingId": "t3"}}]}`, `unknown field "customer"`},
		{"missing customerId", `{"batches": [{"response": {"batchTrackingId": "t3"}}]}`, "fixture batch 0: batch without a customer ID"},
		{"missing batchTrackingId", `{"batches": [{"customerId": "c3", "response": {"batchTrackingId": "t3"}}, {"customerId": "c3", "response": {}}]}`,
			"fixture batch 1: batch of customer c3 has no batchTrackingId"},
		{"missing response", `{"batches": [{"customerId": "c3"}]}`, "fixture batch 0: batch of customer c3 is not a BatchUploadDetails object"},
		{"trailing data", `{"batches": [{"customerId": "c3", "response": {"batchTrackingId": "t3"}}]} {}`, "data after the fixture object"},
		{"both", `{"batches": [{"customerId": "c3", "response": {"batchTrackingId": "t3"}, "schedule": {"batchTrackingId": "t3"}}]}`,
			"fixture batch 0 has both a response and a schedule"},
		{"bad duration", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "queuedFor": "soon"}}]}`,
			`fixture batch 0: queuedFor: time: invalid duration "soon"`},
		{"negative", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "deviceEvery": "-1s"}}]}`,
			"fixture batch 0: scheduled batch t3 has a negative duration"},
		{"no tracking ID", `{"batches": [{"customerId": "c3", "schedule": {"queuedFor": "1s"}}]}`,
			"fixture batch 0: scheduled batch of customer c3 has no batch tracking ID"},
		{"misspelt device field", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3", "devices": [{"serial": "A"}]}}]}`,
			`unknown field "serial"`},
		{"one invalid of two", `{"batches": [{"customerId": "c3", "schedule": {"batchTrackingId": "t3"}}, {"customerId": "", "schedule": {"batchTrackingId": "t4"}}]}`,
			"fixture batch 1: scheduled batch without a customer ID"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			err := e.LoadFixtures(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			// A file with an invalid batch loads none of its batches.
			if got := getBatch(e, batchPath("c3", "t3"), token); got.status != http.StatusNotFound {
				t.Errorf("batch t3 of an invalid file was stored: status %d", got.status)
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	e := New()
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			token := e.NewAccessToken(DefaultTenantID, time.Hour)
			for range 20 {
				requestToken(e, DefaultTenantID, validTokenForm(), nil)
				getBatch(e, batchPath(SeedCustomerID, SeedBatchTrackingID), token)
				_ = e.PutBatch(SeedCustomerID, []byte(`{"batchTrackingId":"`+uuid.NewString()+`"}`))
				e.InjectFaults("/v1/customers/*/batchJobStatus/*", Fault{Status: http.StatusOK})
				_ = e.Requests()
			}
		}()
	}
	for range 8 {
		<-done
	}
	if n := e.TokenRequests(DefaultClientID); n != 160 {
		t.Errorf("TokenRequests %d, want 160", n)
	}
	if n := len(e.Requests()); n != 320 {
		t.Errorf("%d requests recorded, want 320", n)
	}
}
