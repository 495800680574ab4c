package partnercenter_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York wherever the tests run, for TestDecodeTimesWhateverTheLocalZone

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// seedResponse is the example response of Microsoft's "Get the status of a
// device batch upload" page, verbatim: the emulator's fixture, which the
// emulator's own tests compare with the page.
var seedResponse = func() string {
	body, err := os.ReadFile("../emulator/fixtures/seed-batch-status.json")
	if err != nil {
		panic(err)
	}
	return string(body)
}()

func TestDecodeSeedResponse(t *testing.T) {
	var got partnercenter.BatchUploadDetails
	if err := json.Unmarshal([]byte(seedResponse), &got); err != nil {
		t.Fatal(err)
	}
	want := partnercenter.BatchUploadDetails{
		BatchTrackingID: "0127ed8e-ff72-4983-a3d8-e8d8bd378932",
		Status:          partnercenter.StatusFinished,
		StartedTime:     time.Date(2017, 7, 25, 10, 0, 0, 0, time.UTC),
		CompletedTime:   time.Date(2017, 7, 25, 10, 10, 0, 0, time.UTC),
		DevicesStatus: []partnercenter.DeviceUploadDetails{{
			SerialNumber:     "1234567890",
			ProductKey:       "12345-67890-09876-54321-13579",
			Status:           partnercenter.StatusFinishedWithErrors,
			ErrorCode:        "808",
			ErrorDescription: "ZtdDeviceAssignedToOtherTenant",
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n%#v\nwant\n%#v", got, want)
	}
	if !got.Status.Terminal() || got.FailedDeviceCount() != 1 {
		t.Errorf("Terminal() = %v, FailedDeviceCount() = %d; want true, 1", got.Status.Terminal(), got.FailedDeviceCount())
	}
}

func TestDecodeDateTimeVariants(t *testing.T) {
	tests := []struct {
		name string
		json string // the startedTime member, or "" to leave it out
		want time.Time
	}{
		{"without zone", `"2017-07-25T10:00:00"`, time.Date(2017, 7, 25, 10, 0, 0, 0, time.UTC)},
		{"UTC zone", `"2017-07-25T10:00:00Z"`, time.Date(2017, 7, 25, 10, 0, 0, 0, time.UTC)},
		{"offset converted to UTC", `"2017-07-25T12:00:00+02:00"`, time.Date(2017, 7, 25, 10, 0, 0, 0, time.UTC)},
		{"seven fraction digits", `"2017-07-25T10:00:00.1234567"`, time.Date(2017, 7, 25, 10, 0, 0, 123456700, time.UTC)},
		{"seven fraction digits and zone", `"2017-07-25T10:00:00.1234567Z"`, time.Date(2017, 7, 25, 10, 0, 0, 123456700, time.UTC)},
		{"one fraction digit", `"2017-07-25T10:00:00.5"`, time.Date(2017, 7, 25, 10, 0, 0, 500000000, time.UTC)},
		{".NET DateTime.MinValue means not set", `"0001-01-01T00:00:00"`, time.Time{}},
		{"MinValue with zone means not set", `"0001-01-01T00:00:00Z"`, time.Time{}},
		{"empty string means not set", `""`, time.Time{}},
		{"null means not set", `null`, time.Time{}},
		{"absent means not set", ``, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"status":"processing"}`
			if tt.json != "" {
				body = `{"status":"processing","startedTime":` + tt.json + `}`
			}
			var got partnercenter.BatchUploadDetails
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if !got.StartedTime.Equal(tt.want) || got.StartedTime.Location() != time.UTC {
				t.Errorf("StartedTime = %v (%v), want %v UTC", got.StartedTime, got.StartedTime.Location(), tt.want)
			}
			if got.StartedTime.IsZero() != tt.want.IsZero() {
				t.Errorf("StartedTime.IsZero() = %v, want %v", got.StartedTime.IsZero(), tt.want.IsZero())
			}
		})
	}
}

// otherZoneChild is set in the environment of the test binary that
// TestDecodeTimesWhateverTheLocalZone runs in another local time zone.
const otherZoneChild = "PARTNERCENTER_TEST_OTHER_ZONE"

// Partner Center's zone-less times are UTC, and 0001-01-01T00:00:00 is
// "not set", whatever the local time zone of the machine running Terraform.
// The decode tests would pass on a machine in UTC even if zone-less times
// were read in local time, so this runs them again in a test binary whose
// local zone is America/New_York. A child process, because Go reads the
// local zone once and changing time.Local while other goroutines may read
// it is a data race.
func TestDecodeTimesWhateverTheLocalZone(t *testing.T) {
	if os.Getenv(otherZoneChild) != "" {
		// In the child: make sure the local zone is not UTC, or the tests
		// run with it would prove nothing.
		if _, offset := time.Date(2017, 7, 25, 10, 0, 0, 0, time.Local).Zone(); offset == 0 {
			t.Fatalf("the local zone %v is UTC on 2017-07-25", time.Local)
		}
		return
	}
	if runtime.GOOS == "windows" {
		t.Skip("Go takes the local zone from TZ on Unix only")
	}
	tests := []string{"TestDecodeTimesWhateverTheLocalZone", "TestDecodeSeedResponse", "TestDecodeDateTimeVariants"}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^("+strings.Join(tests, "|")+")$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "TZ=America/New_York", otherZoneChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("with TZ=America/New_York: %v\n%s", err, out)
	}
	for _, name := range tests {
		if !strings.Contains(string(out), "--- PASS: "+name+" ") {
			t.Errorf("with TZ=America/New_York, %s did not pass:\n%s", name, out)
		}
	}
}

func TestDecodeDeviceVariants(t *testing.T) {
	tests := []struct {
		name string
		json string
		want partnercenter.DeviceUploadDetails
	}{
		{"numeric error code", `{"status":"finished_with_errors","errorCode":806,"errorDescription":"ZtdDeviceAlreadyAssigned"}`,
			partnercenter.DeviceUploadDetails{Status: "finished_with_errors", ErrorCode: "806", ErrorDescription: "ZtdDeviceAlreadyAssigned"}},
		{"string error code", `{"errorCode":"808"}`, partnercenter.DeviceUploadDetails{ErrorCode: "808"}},
		{"null error code", `{"errorCode":null,"status":"finished"}`, partnercenter.DeviceUploadDetails{Status: "finished"}},
		{"every field", `{"deviceId":"d1","serialNumber":"SN1","productKey":"PK1","status":"finished","errorCode":"","errorDescription":""}`,
			partnercenter.DeviceUploadDetails{DeviceID: "d1", SerialNumber: "SN1", ProductKey: "PK1", Status: "finished"}},
		{"unknown status kept as sent", `{"status":"in-progress"}`, partnercenter.DeviceUploadDetails{Status: "in-progress"}},
		{"empty object", `{}`, partnercenter.DeviceUploadDetails{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got partnercenter.DeviceUploadDetails
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDeviceFailed(t *testing.T) {
	tests := []struct {
		device partnercenter.DeviceUploadDetails
		want   bool
	}{
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusFinished}, false},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusProcessing}, false},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusFinishedWithErrors}, true},
		{partnercenter.DeviceUploadDetails{Status: partnercenter.StatusFinished, ErrorCode: "806"}, true},
	}
	for _, tt := range tests {
		if got := tt.device.Failed(); got != tt.want {
			t.Errorf("%+v.Failed() = %v, want %v", tt.device, got, tt.want)
		}
	}
}

func TestDecodeBatchVariants(t *testing.T) {
	tests := []struct {
		name        string
		json        string
		wantStatus  partnercenter.UploadStatus
		wantDevices int
		terminal    bool
	}{
		{"devicesStatus absent", `{"status":"queued"}`, partnercenter.StatusQueued, 0, false},
		{"devicesStatus empty", `{"status":"queued","devicesStatus":[]}`, partnercenter.StatusQueued, 0, false},
		{"devicesStatus null", `{"status":"queued","devicesStatus":null}`, partnercenter.StatusQueued, 0, false},
		{"unknown batch status", `{"status":"archived"}`, "archived", 0, false},
		{"docs-only in-progress status", `{"status":"in-progress"}`, "in-progress", 0, false},
		{"status absent", `{}`, "", 0, false},
		{"finished with errors", `{"status":"finished_with_errors","devicesStatus":[{},{}]}`, partnercenter.StatusFinishedWithErrors, 2, true},
		{"unknown members ignored", `{"status":"finished","attributes":{"objectType":"BatchUploadDetails","etag":"x"},"newField":1}`, partnercenter.StatusFinished, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got partnercenter.BatchUploadDetails
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus || len(got.DevicesStatus) != tt.wantDevices {
				t.Errorf("status %q with %d devices, want %q with %d", got.Status, len(got.DevicesStatus), tt.wantStatus, tt.wantDevices)
			}
			if got.Status.Terminal() != tt.terminal {
				t.Errorf("status %q: Terminal() = %v, want %v", got.Status, got.Status.Terminal(), tt.terminal)
			}
		})
	}
}

func TestDecodeRejectsMalformedValues(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"time that is no date", `{"startedTime":"yesterday"}`, `"yesterday" is not a date-time`},
		{"time as a number", `{"completedTime":1500976800}`, "expected a date-time string, got 1500976800"},
		{"error code as a bool", `{"devicesStatus":[{"errorCode":true}]}`, "expected a string or a number, got true"},
		{"devicesStatus as an object", `{"devicesStatus":{}}`, "cannot unmarshal object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got partnercenter.BatchUploadDetails
			err := json.Unmarshal([]byte(tt.json), &got)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
