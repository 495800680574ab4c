package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// A batch job is Partner Center's asynchronous work: a device upload (#1,
// #2) or a device policy update (#8) answers 202 with a Location naming the
// job, whose status is then read with GetBatchStatus and followed with
// WaitForBatch.

// BatchJob names an asynchronous job Partner Center accepted.
type BatchJob struct {
	// CustomerID and TrackingID are the IDs in Location, as written there.
	CustomerID string
	TrackingID string
	// Location is the header (or the body's status link) as Partner Center
	// sent it.
	Location string
}

// startJob sends r, an operation Partner Center answers with 202 (or 200,
// which the REST reference lists too) and the job's status link: the
// Location header, or a link in the body, which the reference also allows.
func (c *Client) startJob(ctx context.Context, r request) (*BatchJob, error) {
	var link statusLink
	r.success = []int{http.StatusAccepted, http.StatusOK}
	r.out, r.bodyOptional = &link, true
	a, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	location := strings.TrimSpace(a.header.Get("Location"))
	if location == "" {
		location = string(link)
	}
	if location == "" {
		return nil, a.invalid(r.what + " has neither a Location header nor a status link in its body")
	}
	customerID, trackingID, err := ParseBatchLocation(location)
	if err != nil {
		return nil, a.invalid("the status link of " + r.what + ": " + err.Error())
	}
	return &BatchJob{CustomerID: customerID, TrackingID: trackingID, Location: location}, nil
}

// statusLink is the status link a 202's body may carry. Its shape is not
// documented beyond "an object", so the first string value anywhere in it,
// in the body's order, that reads as a batch job location is taken.
type statusLink string

// UnmarshalJSON implements json.Unmarshaler. It walks the text rather than
// decode it into maps and slices, which a body of millions of members would
// make gigabytes of: what it keeps is one string.
func (l *statusLink) UnmarshalJSON(data []byte) error {
	*l = statusLink(findLocation(data))
	return nil
}

// findLocation returns the first string value of the valid JSON text data
// that ParseBatchLocation accepts, or "". Object keys are not values.
func findLocation(data []byte) string {
	// inObject[d] is set when depth d is an object; isKey when the next
	// string there is a member's name.
	var inObject [maxDepth + 1]bool
	depth, isKey := 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			if depth == maxDepth {
				return ""
			}
			depth++
			inObject[depth] = c == '{'
			isKey = c == '{'
		case '}', ']':
			depth = max(depth-1, 0)
		case ',':
			isKey = inObject[depth]
		case '"':
			end := stringEnd(data, i)
			if !isKey && containsFold(data[i:end], "batchjobstatus") {
				var s string
				if json.Unmarshal(data[i:end], &s) == nil {
					if _, _, err := ParseBatchLocation(s); err == nil {
						return s
					}
				}
			}
			isKey = false
			i = end - 1
		}
	}
	return ""
}

// stringEnd returns the index just after the JSON string that starts at
// data[start].
func stringEnd(data []byte, start int) int {
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// containsFold reports whether b holds the lower-case ASCII word, in any
// case.
func containsFold(b []byte, word string) bool {
	for i := 0; i+len(word) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(word)], []byte(word)) {
			return true
		}
	}
	return false
}

// UploadStatus is Partner Center's DeviceUploadStatusType, used for a batch
// job and for each device in it. Values Partner Center may add later (or the
// "in-progress" its docs mention) are kept as sent.
type UploadStatus string

// The documented upload statuses.
const (
	StatusUnknown            UploadStatus = "unknown"
	StatusQueued             UploadStatus = "queued"
	StatusProcessing         UploadStatus = "processing"
	StatusFinished           UploadStatus = "finished"
	StatusFinishedWithErrors UploadStatus = "finished_with_errors"
)

// Terminal reports whether processing is over: the status will not change
// again. Statuses are compared in any spelling (see canonicalEnum): an
// answer of "Finished" or "FinishedWithErrors" must not keep a wait going
// until its timeout.
func (s UploadStatus) Terminal() bool {
	return s.Is(StatusFinished) || s.Is(StatusFinishedWithErrors)
}

// Is reports whether s is the status other, in any spelling.
func (s UploadStatus) Is(other UploadStatus) bool {
	return s.canonical() == other.canonical()
}

// BatchUploadDetails is the processing status of a batch job.
type BatchUploadDetails struct {
	// BatchTrackingID is the GUID returned in the Location header of the upload.
	BatchTrackingID string
	// Status is the batch's status, in its documented spelling when it is
	// one of the documented statuses, else as Partner Center sent it.
	Status UploadStatus
	// StartedTime and CompletedTime are in UTC; the zero time means not set.
	StartedTime   time.Time
	CompletedTime time.Time
	// DevicesStatus lists each device's result in the order Partner Center sent them.
	DevicesStatus []DeviceUploadDetails
}

// DeviceUploadDetails is the result of one device in a batch job. Every
// field may be empty: Partner Center omits what does not apply.
type DeviceUploadDetails struct {
	DeviceID         string
	SerialNumber     string
	ProductKey       string
	Status           UploadStatus
	ErrorCode        string
	ErrorDescription string
}

// Failed reports whether the device was not uploaded: its status says so, or
// Partner Center attached an error code to it.
func (d DeviceUploadDetails) Failed() bool {
	return d.Status.Is(StatusFinishedWithErrors) || d.ErrorCode != ""
}

// Done reports whether Partner Center is through with the device: its
// status is terminal, or it carries an error code, which only a failed
// device does.
func (d DeviceUploadDetails) Done() bool {
	return d.Status.Terminal() || d.ErrorCode != ""
}

// UnnamedFailure reports whether the job finished with errors but names no
// device that failed, its devicesStatus empty, missing or all successes.
// Microsoft's docs do not rule it out; the job failed all the same, and the
// batch itself tells which devices went in.
func (b *BatchUploadDetails) UnnamedFailure() bool {
	return b.Status.Is(StatusFinishedWithErrors) && b.FailedDeviceCount() == 0
}

// FailedDeviceCount counts the devices that failed.
func (b *BatchUploadDetails) FailedDeviceCount() int {
	n := 0
	for _, d := range b.DevicesStatus {
		if d.Failed() {
			n++
		}
	}
	return n
}

// GetBatchStatus reads the status of a batch job (operation #3):
// GET {baseURL}/v1/customers/{customerID}/batchJobStatus/{batchTrackingID},
// with GUIDs in the path in lower case (see canonicalID).
// A non-2xx answer is returned as a *ResponseError, a call that got no
// answer as a *CallError, and an answer that is not a BatchUploadDetails for
// this batch as an error wrapping ErrInvalidResponse.
func (c *Client) GetBatchStatus(ctx context.Context, customerID, batchTrackingID string) (*BatchUploadDetails, error) {
	details, _, err := c.getBatchStatus(ctx, customerID, batchTrackingID)
	return details, err
}

// getBatchStatus is GetBatchStatus that also returns the headers of the 200
// answer, whose Retry-After paces WaitForBatch.
func (c *Client) getBatchStatus(ctx context.Context, customerID, batchTrackingID string) (*BatchUploadDetails, http.Header, error) {
	// Decoded into the wire form directly: a BatchUploadDetails would have
	// encoding/json scan the whole body once more for its UnmarshalJSON.
	var wire batchUploadWire
	a, err := c.do(ctx, request{
		method:  http.MethodGet,
		path:    batchStatusPath(customerID, batchTrackingID),
		success: []int{http.StatusOK},
		out:     &wire,
		what:    batchStatusAnswer,
		check:   func() string { return checkTrackingID(wire.BatchTrackingID, batchTrackingID) },
	})
	if err != nil {
		return nil, nil, err
	}
	details := wire.details()
	return &details, a.header, nil
}

// batchStatusAnswer names the answer of operation #3 in messages.
const batchStatusAnswer = "the batch status answer"

// checkTrackingID says why an answer about got is not the status of want,
// or returns "".
func checkTrackingID(got, want string) string {
	switch {
	case got == "":
		return batchStatusAnswer + " has no batchTrackingId"
	case !strings.EqualFold(got, want):
		return fmt.Sprintf("%s is for batch %q, not %q", batchStatusAnswer, cutText(got), want)
	}
	return ""
}

// batchUploadWire and deviceUploadWire are BatchUploadDetails and
// DeviceUploadDetails as Partner Center's JSON writes them. A batch is
// decoded in one pass through them: an UnmarshalJSON of its own on each of
// thousands of devices would scan each device twice more.
type batchUploadWire struct {
	BatchTrackingID string             `json:"batchTrackingId"`
	Status          UploadStatus       `json:"status"`
	StartedTime     dateTime           `json:"startedTime"`
	CompletedTime   dateTime           `json:"completedTime"`
	DevicesStatus   []deviceUploadWire `json:"devicesStatus"`
}

type deviceUploadWire struct {
	DeviceID     string       `json:"deviceId"`
	SerialNumber string       `json:"serialNumber"`
	ProductKey   string       `json:"productKey"`
	Status       UploadStatus `json:"status"`
	// ErrorCode is documented as a string but may arrive as a number.
	ErrorCode        stringOrNumber `json:"errorCode"`
	ErrorDescription string         `json:"errorDescription"`
}

func (w deviceUploadWire) details() DeviceUploadDetails {
	return DeviceUploadDetails{
		DeviceID: w.DeviceID, SerialNumber: w.SerialNumber, ProductKey: w.ProductKey, Status: w.Status.canonical(),
		ErrorCode: string(w.ErrorCode), ErrorDescription: w.ErrorDescription,
	}
}

// details is w as a BatchUploadDetails.
func (w *batchUploadWire) details() BatchUploadDetails {
	b := BatchUploadDetails{
		BatchTrackingID: w.BatchTrackingID,
		Status:          w.Status.canonical(),
		StartedTime:     time.Time(w.StartedTime),
		CompletedTime:   time.Time(w.CompletedTime),
	}
	if w.DevicesStatus != nil {
		b.DevicesStatus = make([]DeviceUploadDetails, len(w.DevicesStatus))
		for i, d := range w.DevicesStatus {
			b.DevicesStatus[i] = d.details()
		}
	}
	return b
}

// UnmarshalJSON decodes Partner Center's BatchUploadDetails, accepting every
// documented variant of its date-times and error codes.
func (b *BatchUploadDetails) UnmarshalJSON(data []byte) error {
	var wire batchUploadWire
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*b = wire.details()
	return nil
}

// UnmarshalJSON decodes Partner Center's DeviceUploadDetails.
func (d *DeviceUploadDetails) UnmarshalJSON(data []byte) error {
	var wire deviceUploadWire
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*d = wire.details()
	return nil
}
