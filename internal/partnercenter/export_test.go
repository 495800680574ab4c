package partnercenter

import (
	"context"
	"time"
)

// WithSleep returns o waiting between polls with sleep instead of a timer,
// for tests that check the waits WaitForBatch and RetryWhile ask for
// rather than time them.
func (o WaitOptions) WithSleep(sleep func(ctx context.Context, d time.Duration) bool) WaitOptions {
	o.sleep = sleep
	return o
}
