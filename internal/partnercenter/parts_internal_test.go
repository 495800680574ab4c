package partnercenter

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// cappedServer is a Partner Center that takes at most limit devices a
// request, refusing more with refuse, and counts the devices of each
// request it saw, taken or not.
type cappedServer struct {
	limit  int
	refuse func(http.ResponseWriter)
	mu     sync.Mutex
	sizes  []int
	paths  []string
}

func (s *cappedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var devices []json.RawMessage
	var wrapped struct{ Devices []json.RawMessage }
	if json.Unmarshal(body, &devices) != nil && json.Unmarshal(body, &wrapped) == nil {
		devices = wrapped.Devices
	}
	s.mu.Lock()
	s.sizes = append(s.sizes, len(devices))
	s.paths = append(s.paths, r.URL.EscapedPath())
	s.mu.Unlock()
	if len(devices) > s.limit {
		s.refuse(w)
		return
	}
	reply(http.StatusAccepted, "", "Location", "/customers/"+testCustomerID+"/batchJobStatus/"+testTrackingID)(w)
}

// requests returns the devices of each request seen since the last call.
func (s *cappedServer) requests() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	sizes := s.sizes
	s.sizes = nil
	return sizes
}

func cappedClient(t *testing.T, s *cappedServer, partSize int) *Client {
	t.Helper()
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	client, err := NewClient(Options{
		BaseURL: server.URL, Credential: fixedToken{}, MaxRetries: 3, PartSize: partSize,
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func productKeys(n int) []Device {
	devices := make([]Device, n)
	for i := range devices {
		devices[i] = Device{ProductKey: fmt.Sprintf("P-%d", i)}
	}
	return devices
}

// A Partner Center that takes at most 100 devices a request, refusing more
// with 413 or with a 400 whose ApiFault says so: a 500-device creation is
// refused and halved until a part fits, the batch created with that part
// and the others added in parts of the same size; every Upload carries the
// devices it sent, in order. The next upload and a device policy update of
// the same client start at the size learned, refused no more.
func TestPartsRefusedForSizeGoAgainSmaller(t *testing.T) {
	for name, refuse := range map[string]func(http.ResponseWriter){
		"413": reply(http.StatusRequestEntityTooLarge, "Request Entity Too Large"),
		"400": reply(http.StatusBadRequest, `{"code":800002,"description":"Invalid request input",`+
			`"data":["The request holds too many devices: at most 100 a request."],"source":"PartnerFD"}`),
	} {
		t.Run(name, func(t *testing.T) {
			server := &cappedServer{limit: 100, refuse: refuse}
			client := cappedClient(t, server, 0)
			devices := productKeys(MaxDevicesPerRequest)
			uploads, err := client.UploadDevices(testContext(t), testCustomerID, "Large", devices, true)
			if err != nil {
				t.Fatal(err)
			}
			want := []int{500, 250, 125, 63, 63, 63, 63, 63, 63, 63, 59}
			if got := server.requests(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("requests of %v devices, want %v", got, want)
			}
			batches := "/v1/customers/" + testCustomerID + "/deviceBatches"
			if server.paths[3] != batches || server.paths[4] != batches+"/Large/devices" {
				t.Errorf("requests to %v: want the batch created by the first part taken, the 4th request", server.paths)
			}
			var sent []Device
			for _, u := range uploads {
				sent = append(sent, u.Devices...)
			}
			if len(uploads) != 8 || fmt.Sprint(sent) != fmt.Sprint(devices) {
				t.Errorf("%d uploads carrying %d devices, want 8 carrying the 500 in order", len(uploads), len(sent))
			}

			if _, err := client.UploadDevices(testContext(t), testCustomerID, "Large", productKeys(200), false); err != nil {
				t.Fatal(err)
			}
			jobs, err := client.AssignPolicy(testContext(t), testCustomerID, testPolicyID, make([]string, 130))
			if err != nil || len(jobs) != 3 {
				t.Fatalf("%d policy update parts, %v; want 3", len(jobs), err)
			}
			if got, want := server.requests(), []int{63, 63, 63, 11, 63, 63, 4}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("then requests of %v devices, want %v: the size learned", got, want)
			}
		})
	}
}

// A single device refused as too large cannot go in smaller parts: the
// error says so and quotes Partner Center's answer. A creation refused
// created nothing, so no part is returned.
func TestSingleDeviceRefusedForSize(t *testing.T) {
	server := &cappedServer{limit: 0, refuse: reply(http.StatusRequestEntityTooLarge, "")}
	client := cappedClient(t, server, 0)
	uploads, err := client.UploadDevices(testContext(t), testCustomerID, "Large", productKeys(3), true)
	if err == nil || len(uploads) != 0 {
		t.Fatalf("%d uploads, %v; want an error", len(uploads), err)
	}
	if want := "a request of a single device was refused as too large, so it cannot go in smaller parts: " +
		"Partner Center answered HTTP 413 Request Entity Too Large"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to begin %q", err, want)
	}
	if KindOf(err) != KindInvalidRequest {
		t.Errorf("kind %v, want KindInvalidRequest", KindOf(err))
	}
	if got := server.requests(); fmt.Sprint(got) != "[3 2 1]" {
		t.Errorf("requests of %v devices, want [3 2 1]", got)
	}
}

// A 400 for another reason than size is returned at once, and the part
// size stays.
func TestInvalidPartIsNotSplit(t *testing.T) {
	server := &cappedServer{limit: 0, refuse: reply(http.StatusBadRequest,
		`{"code":800002,"description":"Invalid request input","data":["Device 0 has no accepted identification."]}`)}
	client := cappedClient(t, server, 0)
	if _, err := client.UploadDevices(testContext(t), testCustomerID, "Large", productKeys(3), true); KindOf(err) != KindInvalidRequest ||
		!strings.Contains(err.Error(), "Device 0 has no accepted identification.") {
		t.Errorf("error %v, want Partner Center's refusal", err)
	}
	if got := server.requests(); fmt.Sprint(got) != "[3]" || client.partSize.get() != MaxDevicesPerRequest {
		t.Errorf("requests of %v devices, part size %d; want [3] and %d", got, client.partSize.get(), MaxDevicesPerRequest)
	}
}

// Options.PartSize fixes the size of the parts; a size out of 0 to
// MaxDevicesPerRequest is refused.
func TestPartSizeOption(t *testing.T) {
	server := &cappedServer{limit: MaxDevicesPerRequest}
	client := cappedClient(t, server, 2)
	uploads, err := client.UploadDevices(testContext(t), testCustomerID, "Small", productKeys(5), false)
	if err != nil || len(uploads) != 3 {
		t.Fatalf("%d uploads, %v; want 3", len(uploads), err)
	}
	if got := server.requests(); fmt.Sprint(got) != "[2 2 1]" {
		t.Errorf("requests of %v devices, want [2 2 1]", got)
	}
	for _, size := range []int{-1, MaxDevicesPerRequest + 1} {
		_, err := NewClient(Options{BaseURL: "https://api.partnercenter.microsoft.com", Credential: fixedToken{}, PartSize: size})
		if want := fmt.Sprintf("a part size of %d devices: want 1 to 500, or 0 for 500", size); err == nil || err.Error() != want {
			t.Errorf("PartSize %d: %v, want %q", size, err, want)
		}
	}
}
