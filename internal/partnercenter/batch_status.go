package partnercenter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
// GET {baseURL}/v1/customers/{customerID}/batchJobStatus/{batchTrackingID}.
// A non-2xx answer is returned as a *ResponseError.
func (c *Client) GetBatchStatus(ctx context.Context, customerID, batchTrackingID string) (*BatchUploadDetails, error) {
	details, _, err := c.getBatchStatus(ctx, customerID, batchTrackingID)
	return details, err
}

// getBatchStatus is GetBatchStatus that also returns the headers of the 200
// answer, whose Retry-After paces WaitForBatch.
func (c *Client) getBatchStatus(ctx context.Context, customerID, batchTrackingID string) (*BatchUploadDetails, http.Header, error) {
	endpoint := c.baseURL + "/v1/customers/" + url.PathEscape(customerID) + "/batchJobStatus/" + url.PathEscape(batchTrackingID)
	req, err := runtime.NewRequest(ctx, http.MethodGet, endpoint)
	if err != nil {
		return nil, nil, fmt.Errorf("building batch status request: %w", err)
	}
	resp, err := c.pipeline.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("reading batch status: %w", err)
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, nil, newResponseError(resp)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, nil, fmt.Errorf("reading batch status response: %w", err)
	}
	var details BatchUploadDetails
	if err := json.Unmarshal(body, &details); err != nil {
		return nil, nil, fmt.Errorf("decoding batch status response (%s): %w", requestIDs(resp), err)
	}
	return &details, resp.Header, nil
}
