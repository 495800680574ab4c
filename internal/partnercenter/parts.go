package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync/atomic"
)

// MaxDevicesPerRequest is how many devices one upload or device policy
// update carries at most, and by default (Options.PartSize). Microsoft
// documents no limit, and nothing says there is none: Intune's own CSV
// import takes 500 rows a file, and a request of thousands of 4 KB hashes
// is tens of MB. More devices are sent in parts of this size, each its own
// batch job; a part Partner Center refuses as too large goes again in
// smaller parts (sendInParts).
const MaxDevicesPerRequest = 500

// sizeFault matches the description, or an entry of the data, of a 400
// answer's ApiFault that refuses a request for how much it carries (as
// "Invalid request input" with the reason in its data). Microsoft documents no limit, so no wording of
// its refusal either: these are the words such a refusal is written with
// ("too many devices", "exceeds the maximum", "at most 100 a request",
// "request size limit"). A 400 for another reason that happens to match
// is sent again in smaller parts down to its one device, whose refusal is
// then returned as Partner Center worded it.
var sizeFault = regexp.MustCompile(`(?i)too (large|big|long|many)|exceed|maximum|at most|limit`)

// refusedForSize reports whether err is Partner Center refusing a request
// for its size: 413, as a server or gateway limiting the body answers, or
// 400 whose ApiFault says so (sizeFault), as a limit on the devices a
// request carries may be answered. Either way nothing of the request was
// taken.
func refusedForSize(err error) bool {
	var e *ResponseError
	if !errors.As(err, &e) {
		return false
	}
	switch e.StatusCode {
	case http.StatusRequestEntityTooLarge:
		return true
	case http.StatusBadRequest:
		return sizeFault.MatchString(e.Description) || slices.ContainsFunc(e.Details, sizeFault.MatchString)
	}
	return false
}

// partSize is how many devices the client's next part carries at most: the
// configured size until Partner Center refuses a part as too large, then
// the smallest size a refusal led to, for the rest of the client's life. It
// is safe for concurrent use.
type partSize struct{ n atomic.Int64 }

// get returns the size.
func (s *partSize) get() int {
	return int(s.n.Load())
}

// lower makes the size n unless it is smaller already.
func (s *partSize) lower(n int) {
	for {
		old := s.n.Load()
		if old <= int64(n) || s.n.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

// sendInParts sends items in parts, in their order, each with send, and
// returns what send returned for each. A part carries at most the client's
// part size. One that Partner Center refuses as too large (refusedForSize)
// took nothing: the size is halved, kept for the client's later parts, and
// the same items sent again, in smaller parts, down to a single item, whose
// refusal is an error. first is set for the first part to be taken, which
// a batch creation sends: a refused creation created nothing. sendInParts
// stops at the first part that fails otherwise, returning the parts taken
// before it with the error: their jobs go on in Partner Center.
func sendInParts[T, R any](ctx context.Context, c *Client, items []T, send func(part []T, first bool) (R, error)) ([]R, error) {
	var sent []R
	for rest := items; len(rest) > 0; {
		size := min(c.partSize.get(), len(rest))
		r, err := send(rest[:size], len(sent) == 0)
		switch {
		case err == nil:
			sent = append(sent, r)
			rest = rest[size:]
		case !refusedForSize(err):
			return sent, err
		case size == 1:
			return sent, fmt.Errorf("a request of a single device was refused as too large, so it cannot go in smaller parts: %w", err)
		default:
			half := (size + 1) / 2
			c.partSize.lower(half)
			if c.log != nil {
				c.log(ctx, "Partner Center refused a part as too large: sending smaller parts for the rest of the run",
					map[string]any{"refused_part_devices": size, "part_size": c.partSize.get()})
			}
		}
	}
	return sent, nil
}
