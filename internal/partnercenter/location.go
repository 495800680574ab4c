package partnercenter

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseBatchLocation returns the IDs in the Location header Partner Center
// answers a device upload with. It accepts
//
//   - the header as sent: /customers/{customer-id}/batchJobStatus/{batch-tracking-id};
//   - the same with /v1 in front, or without the leading slash;
//   - an absolute http(s) URL whose path ends that way, below any prefix
//     (an API gateway may publish the API below one);
//
// each with an optional trailing slash, surrounding white space (a header
// copied from a log keeps its line end) and the fixed segments in any case,
// as Partner Center matches them. Both IDs must be GUIDs and are returned as
// written. A query or fragment is refused: it would be silently dropped.
func ParseBatchLocation(location string) (customerID, batchTrackingID string, err error) {
	const form = "/customers/{customer-id}/batchJobStatus/{batch-tracking-id}"
	raw := strings.TrimSpace(location)
	if raw == "" {
		return "", "", fmt.Errorf("must be a Location header such as %s, not empty", form)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("%q is not a URL or path: %w", location, err)
	}
	absolute := u.Scheme != "" || u.Host != ""
	switch {
	case absolute && (u.Scheme != "https" && u.Scheme != "http" || u.Host == ""):
		return "", "", fmt.Errorf("%q must be a path such as %s or an http(s) URL ending in one", location, form)
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(raw, "#"):
		return "", "", fmt.Errorf("%q must not contain a query or fragment", location)
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	n := len(segments)
	if n < 4 || !strings.EqualFold(segments[n-4], "customers") || !strings.EqualFold(segments[n-2], "batchJobStatus") {
		return "", "", fmt.Errorf("%q does not have the form %s, with or without the base URL and /v1", location, form)
	}
	prefix := segments[:n-4]
	if !absolute && len(prefix) > 0 && (len(prefix) != 1 || !strings.EqualFold(prefix[0], "v1")) {
		return "", "", fmt.Errorf("%q has %q before /customers: a path may start with /v1 only (give the whole URL for another prefix)", location, "/"+strings.Join(prefix, "/"))
	}
	customerID, batchTrackingID = segments[n-3], segments[n-1]
	if !IsGUID(customerID) {
		return "", "", fmt.Errorf("%q: the customer ID %q is not a GUID", location, customerID)
	}
	if !IsGUID(batchTrackingID) {
		return "", "", fmt.Errorf("%q: the batch tracking ID %q is not a GUID", location, batchTrackingID)
	}
	return customerID, batchTrackingID, nil
}
