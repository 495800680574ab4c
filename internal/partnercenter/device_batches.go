package partnercenter

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// DeviceBatch is a customer's batch of devices. Partner Center keys batches
// by their free-text name; it documents no way to delete one.
type DeviceBatch struct {
	// ID is the batch's name, such as "Contoso laptops".
	ID        string
	CreatedBy string
	// CreationDate is in UTC; the zero time when not set.
	CreationDate time.Time
	DevicesCount int
}

// UnmarshalJSON decodes Partner Center's DeviceBatch. The docs' table names
// the count deviceCount, their example and the SDK devicesCount: both are
// read.
func (b *DeviceBatch) UnmarshalJSON(data []byte) error {
	var wire struct {
		ID           string   `json:"id"`
		CreatedBy    string   `json:"createdBy"`
		CreationDate dateTime `json:"creationDate"`
		DevicesCount *int     `json:"devicesCount"`
		DeviceCount  *int     `json:"deviceCount"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*b = DeviceBatch{ID: wire.ID, CreatedBy: wire.CreatedBy, CreationDate: time.Time(wire.CreationDate)}
	switch {
	case wire.DevicesCount != nil:
		b.DevicesCount = *wire.DevicesCount
	case wire.DeviceCount != nil:
		b.DevicesCount = *wire.DeviceCount
	}
	return nil
}

// ListDeviceBatches reads every batch of a customer (operation #4).
func (c *Client) ListDeviceBatches(ctx context.Context, customerID string) ([]DeviceBatch, error) {
	return listAll[DeviceBatch](ctx, c, deviceBatchesPath(customerID), "the device batch list")
}

// FindDeviceBatch returns the batch of a customer named batchID, or nil
// when there is none. Partner Center's own tools compare batch names
// case-insensitively, and nothing public says whether Partner Center does:
// a batch of exactly that name is taken first, else the one whose name
// differs only in case.
func (c *Client) FindDeviceBatch(ctx context.Context, customerID, batchID string) (*DeviceBatch, error) {
	batches, err := c.ListDeviceBatches(ctx, customerID)
	if err != nil {
		return nil, err
	}
	var folded *DeviceBatch
	for i := range batches {
		switch {
		case batches[i].ID == batchID:
			return &batches[i], nil
		case folded == nil && strings.EqualFold(batches[i].ID, batchID):
			folded = &batches[i]
		}
	}
	return folded, nil
}
