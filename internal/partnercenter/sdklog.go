package partnercenter

import (
	"sync/atomic"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
)

// SDKLogFunc receives one log message of the Azure SDK's pipeline: event is
// "Request", "Response", "ResponseError" or "Retry". Request and response
// messages list headers with every value but loggedHeaders' replaced by
// REDACTED, Authorization included, and no body.
type SDKLogFunc func(event, message string)

var sdkLog atomic.Pointer[SDKLogFunc]

// azcore's listener is process-wide and not safe to set while a pipeline
// runs, so it is set once, before any client exists, and forwards to
// whatever SetSDKLog last named.
func init() {
	azlog.SetEvents(azlog.EventRequest, azlog.EventResponse, azlog.EventResponseError, azlog.EventRetryPolicy)
	azlog.SetListener(func(event azlog.Event, message string) {
		if f := sdkLog.Load(); f != nil {
			(*f)(string(event), message)
		}
	})
}

// SetSDKLog routes the Azure SDK's request, response and retry log messages
// of every client in the process to f; nil stops them. It is safe to call
// at any time.
func SetSDKLog(f SDKLogFunc) {
	if f == nil {
		sdkLog.Store(nil)
		return
	}
	sdkLog.Store(&f)
}
