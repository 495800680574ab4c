package partnercenter_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// largeBatch is a valid batch status answer for devices devices, each with
// every member Partner Center sends for a failed one.
func largeBatch(devices int) string {
	var b strings.Builder
	b.WriteString(`{"batchTrackingId":"` + trackingID + `","status":"finished_with_errors","startedTime":"2017-07-25T10:00:00","completedTime":"2017-07-25T10:10:00","devicesStatus":[`)
	for i := range devices {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"deviceId":"","serialNumber":"SN%010d","productKey":"%05d-67890-09876-54321-13579","status":"finished_with_errors","errorCode":"806","errorDescription":"ZtdDeviceAlreadyAssigned"}`, i, i%100000)
	}
	b.WriteString(`]}`)
	return b.String()
}

// A batch of tens of thousands of devices is several MiB: well within the
// cap, which is there for answers that are no Partner Center answer at all.
func TestALargeBatchStatusIsRead(t *testing.T) {
	const devices = 30_000
	body := largeBatch(devices)
	if len(body) < 4<<20 {
		t.Fatalf("the answer is %d bytes, want at least 4 MiB", len(body))
	}
	rec := &recorder{responses: []func(http.ResponseWriter){answer(http.StatusOK, body)}}
	client := newTestClient(t, rec, &countingCredential{})

	got, err := client.GetBatchStatus(waitContext(t), customerID, trackingID)
	if err != nil {
		t.Fatalf("a %d-byte answer for %d devices: %v", len(body), devices, err)
	}
	if len(got.DevicesStatus) != devices || got.FailedDeviceCount() != devices {
		t.Fatalf("%d devices, %d failed; want %d of each", len(got.DevicesStatus), got.FailedDeviceCount(), devices)
	}
	if last := got.DevicesStatus[devices-1]; last.SerialNumber != fmt.Sprintf("SN%010d", devices-1) || last.ErrorCode != "806" {
		t.Errorf("the last device is %+v", last)
	}
}

// paddedAnswer answers a valid batch status padded with trailing white space
// (which JSON allows) to exactly size bytes, written in pieces so that the
// test holds no copy of it.
func paddedAnswer(size int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		head := `{"batchTrackingId":"` + trackingID + `","status":"finished"}`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write([]byte(head)); err != nil {
			return
		}
		spaces := bytes.Repeat([]byte(" "), 1<<20)
		for left := size - len(head); left > 0; left -= len(spaces) {
			if _, err := w.Write(spaces[:min(left, len(spaces))]); err != nil {
				return
			}
		}
	}
}

// The cap is MaxResponseBytes, 64 MiB, to the byte: an answer of exactly
// that size is read, one byte more is refused as an invalid answer.
func TestResponseSizeCapIsMaxResponseBytes(t *testing.T) {
	if partnercenter.MaxResponseBytes != 64<<20 {
		t.Errorf("MaxResponseBytes = %d, want 64 MiB", partnercenter.MaxResponseBytes)
	}

	rec := &recorder{responses: []func(http.ResponseWriter){paddedAnswer(partnercenter.MaxResponseBytes)}}
	got, err := newTestClient(t, rec, &countingCredential{}).GetBatchStatus(waitContext(t), customerID, trackingID)
	if err != nil || got.Status != partnercenter.StatusFinished {
		t.Errorf("an answer of exactly MaxResponseBytes: %+v, %v; want it read", got, err)
	}

	// The client reads an answer whole; handing the first one's memory
	// back keeps the test's peak at one answer (some 850 MB under -race).
	debug.FreeOSMemory()
	rec = &recorder{responses: []func(http.ResponseWriter){paddedAnswer(partnercenter.MaxResponseBytes + 1)}}
	got, err = newTestClient(t, rec, &countingCredential{}).GetBatchStatus(waitContext(t), customerID, trackingID)
	if !errors.Is(err, partnercenter.ErrInvalidResponse) || !strings.Contains(err.Error(), "the body is larger than 64 MiB") {
		t.Errorf("an answer of MaxResponseBytes + 1: %+v, %v; want ErrInvalidResponse, larger than 64 MiB", got, err)
	}
}
