package partnercenter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// UnmarshalJSON decodes Partner Center's BatchUploadDetails, accepting every
// documented variant of its date-times.
func (b *BatchUploadDetails) UnmarshalJSON(data []byte) error {
	var wire struct {
		BatchTrackingID string                `json:"batchTrackingId"`
		Status          UploadStatus          `json:"status"`
		StartedTime     dateTime              `json:"startedTime"`
		CompletedTime   dateTime              `json:"completedTime"`
		DevicesStatus   []DeviceUploadDetails `json:"devicesStatus"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*b = BatchUploadDetails{
		BatchTrackingID: wire.BatchTrackingID,
		Status:          wire.Status,
		StartedTime:     time.Time(wire.StartedTime),
		CompletedTime:   time.Time(wire.CompletedTime),
		DevicesStatus:   wire.DevicesStatus,
	}
	return nil
}

// UnmarshalJSON decodes Partner Center's DeviceUploadDetails; errorCode is
// documented as a string but may arrive as a number.
func (d *DeviceUploadDetails) UnmarshalJSON(data []byte) error {
	var wire struct {
		DeviceID         string         `json:"deviceId"`
		SerialNumber     string         `json:"serialNumber"`
		ProductKey       string         `json:"productKey"`
		Status           UploadStatus   `json:"status"`
		ErrorCode        stringOrNumber `json:"errorCode"`
		ErrorDescription string         `json:"errorDescription"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*d = DeviceUploadDetails{
		DeviceID:         wire.DeviceID,
		SerialNumber:     wire.SerialNumber,
		ProductKey:       wire.ProductKey,
		Status:           wire.Status,
		ErrorCode:        string(wire.ErrorCode),
		ErrorDescription: wire.ErrorDescription,
	}
	return nil
}

// stringOrNumber is a code Partner Center documents as a string and sends as
// either a string or a number.
type stringOrNumber string

func (s *stringOrNumber) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*s = ""
		return nil
	case len(data) > 0 && data[0] == '"':
		return json.Unmarshal(data, (*string)(s))
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("expected a string or a number, got %s", data)
	}
	*s = stringOrNumber(n)
	return nil
}

// dateTime is a Partner Center date-time. The API sends UTC without a zone
// suffix ("2017-07-25T10:00:00"), .NET may add up to 7 fraction digits, and
// "not set" arrives as .NET's DateTime.MinValue, "0001-01-01T00:00:00", which
// is also Go's zero time. A zone, when present, is honoured and converted to UTC.
type dateTime time.Time

// zonelessLayout parses the API's zone-less form; Go accepts any number of
// fraction digits after the seconds even though the layout names none.
const zonelessLayout = "2006-01-02T15:04:05"

func (t *dateTime) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*t = dateTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("expected a date-time string, got %s", data)
	}
	parsed, err := parseDateTime(s)
	if err != nil {
		return err
	}
	*t = dateTime(parsed)
	return nil
}

func parseDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		parsed, err = time.ParseInLocation(zonelessLayout, s, time.UTC)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time such as 2017-07-25T10:00:00", s)
	}
	return parsed.UTC(), nil
}
