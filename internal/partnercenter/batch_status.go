package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// BatchUploadDetails is the processing status of a device batch upload.
type BatchUploadDetails struct {
	// BatchTrackingID is the GUID returned in the Location header of the upload.
	BatchTrackingID string
	// Status is the batch's status as Partner Center sent it.
	Status UploadStatus
	// StartedTime and CompletedTime are in UTC; the zero time means not set.
	StartedTime   time.Time
	CompletedTime time.Time
	// DevicesStatus lists each device's result in the order Partner Center sent them.
	DevicesStatus []DeviceUploadDetails
}

// DeviceUploadDetails is the upload result of one device in a batch. Every
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
	return d.Status == StatusFinishedWithErrors || d.ErrorCode != ""
}

// Done reports whether Partner Center is through with the device: its
// status is terminal, or it carries an error code, which only a failed
// device does.
func (d DeviceUploadDetails) Done() bool {
	return d.Status.Terminal() || d.ErrorCode != ""
}

// FailedDeviceCount counts the devices that failed to upload.
func (b *BatchUploadDetails) FailedDeviceCount() int {
	n := 0
	for _, d := range b.DevicesStatus {
		if d.Failed() {
			n++
		}
	}
	return n
}

// GetBatchStatus reads the status of a device batch upload:
// GET {baseURL}/v1/customers/{customerID}/batchJobStatus/{batchTrackingID},
// with GUIDs in the path in lower case (see batchStatusPath).
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
	endpoint := c.baseURL + batchStatusPath(customerID, batchTrackingID)
	ctx, state := withCall(ctx)
	req, err := runtime.NewRequest(ctx, http.MethodGet, endpoint)
	if err != nil {
		return nil, nil, fmt.Errorf("building batch status request: %w", err)
	}
	resp, err := c.pipeline.Do(req)
	switch {
	case errors.Is(err, errRetryAfterTooLong) && resp != nil:
		return nil, nil, newResponseError(resp, state)
	case errors.Is(err, ErrInvalidResponse):
		return nil, nil, fmt.Errorf("%w (%s: %s, %s: %s)", err, headerRequestID, state.requestID, headerCorrelationID, state.correlationID)
	case err != nil:
		return nil, nil, newCallError(ctx, state, err)
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, nil, newResponseError(resp, state)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, nil, newCallError(ctx, state, err)
	}
	details, reason := decodeBatchStatus(resp.Header.Get("Content-Type"), body, batchTrackingID)
	if reason != "" {
		return nil, nil, invalidResponse(resp, reason)
	}
	return details, resp.Header, nil
}

// batchStatusPath is the path of a batch's status below the base URL, with
// GUIDs in lower case, the form Partner Center writes them in.
func batchStatusPath(customerID, batchTrackingID string) string {
	return "/v1/customers/" + url.PathEscape(canonicalID(customerID)) + "/batchJobStatus/" + url.PathEscape(canonicalID(batchTrackingID))
}

// decodeBatchStatus decodes a 200 answer for batchTrackingID, or says in
// words why it is not one.
func decodeBatchStatus(contentType string, body []byte, batchTrackingID string) (*BatchUploadDetails, string) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, "the batch status answer has an empty body"
	case strings.HasPrefix(strings.ToLower(contentType), "text/html") || trimmed[0] == '<':
		return nil, "the batch status answer is an HTML page, not JSON; a proxy or gateway may have answered instead of Partner Center"
	case trimmed[0] != '{':
		return nil, "the batch status answer is not a JSON object"
	}
	var details BatchUploadDetails
	if err := json.Unmarshal(trimmed, &details); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) && syntax.Offset >= int64(len(trimmed)) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Sprintf("the batch status answer is truncated after %d bytes", len(body))
		}
		return nil, "decoding the batch status answer: " + err.Error()
	}
	switch {
	case details.BatchTrackingID == "":
		return nil, "the batch status answer has no batchTrackingId"
	case !strings.EqualFold(details.BatchTrackingID, batchTrackingID):
		return nil, fmt.Sprintf("the batch status answer is for batch %q, not %q", details.BatchTrackingID, batchTrackingID)
	}
	return &details, ""
}
