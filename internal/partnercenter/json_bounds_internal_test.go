package partnercenter

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// hostileAnswer is an answer of MaxResponseBytes, the most the client
// reads: head, then item over and over, comma-separated, then tail, which
// together make it valid JSON. item may hold %d, replaced with its number.
func hostileAnswer(head, item, tail string) []byte {
	b := bytes.NewBuffer(make([]byte, 0, MaxResponseBytes))
	b.WriteString(head)
	numbered := strings.Contains(item, "%d")
	for i := 0; b.Len()+len(item)+len(tail)+16 < MaxResponseBytes; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if numbered {
			fmt.Fprintf(b, item, i)
		} else {
			b.WriteString(item)
		}
	}
	b.WriteString(tail)
	return b.Bytes()
}

// decodeAllocation decodes body into out, as the client decodes every
// answer, and returns what decodeJSON said and how many bytes it allocated
// in all: a bound on how much its decoding grew the heap at its peak.
func decodeAllocation(body []byte, out any) (reason string, allocated uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	reason = decodeJSON("application/json", body, "the answer", out)
	runtime.ReadMemStats(&after)
	return reason, after.TotalAlloc - before.TotalAlloc
}

// maxDecodeAllocation is what decoding one hostile answer of
// MaxResponseBytes may allocate: a small fraction of the answer itself.
const maxDecodeAllocation = 16 << 20

// TestHostileAnswersDecodeInBoundedMemory decodes answers of 64 MiB made of
// empty items, millions of them, as a broken or hostile server could send
// them: each is refused, or read, allocating at most maxDecodeAllocation
// beyond the answer the client already holds. Before the cap, the batch
// status answer alone decoded into 22 million devices and gigabytes.
func TestHostileAnswersDecodeInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds answers of 64 MiB")
	}
	tooMany := fmt.Sprintf("the answer lists more than %d items", MaxItems)
	tests := []struct {
		name       string
		body       []byte
		out        func() any
		wantReason string
	}{
		{"batch status devices", hostileAnswer(`{"batchTrackingId":"b","devicesStatus":[`, `{}`, `]}`),
			func() any { return &BatchUploadDetails{} }, tooMany},
		{"a page of devices", hostileAnswer(`{"totalCount":1,"items":[`, `{}`, `]}`),
			func() any { return &collection[Device]{} }, tooMany},
		{"one device's allowed operations", hostileAnswer(`{"items":[{"id":"d","allowedOperations":[`, `""`, `]}]}`),
			func() any { return &collection[Device]{} }, tooMany},
		{"one policy's settings", hostileAnswer(`{"items":[{"id":"p","policySettings":[`, `""`, `]}]}`),
			func() any { return &collection[ConfigurationPolicy]{} }, tooMany},
		{"a status link body of arrays", hostileAnswer(`{"links":[`, `{}`, `]}`),
			func() any { return new(statusLink) }, tooMany},
		{"a status link body of members", hostileAnswer(`{"links":{`, `"k%d":{}`, `}}`),
			func() any { return new(statusLink) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, allocated := decodeAllocation(tt.body, tt.out())
			if !strings.Contains(reason, tt.wantReason) || tt.wantReason == "" && reason != "" {
				t.Errorf("decoding said %q, want %q", reason, tt.wantReason)
			}
			t.Logf("%d MiB answer: %d KiB allocated", len(tt.body)>>20, allocated>>10)
			if allocated > maxDecodeAllocation {
				t.Errorf("decoding a %d MiB answer allocated %d MiB, want at most %d MiB", len(tt.body)>>20, allocated>>20, maxDecodeAllocation>>20)
			}
		})
	}
}

// TestMaxItemsExactly: an answer of MaxItems devices is read; one more is
// refused, saying so.
func TestMaxItemsExactly(t *testing.T) {
	devices := func(n int) []byte {
		return []byte(`{"batchTrackingId":"b","devicesStatus":[` + strings.Repeat(`{},`, n-1) + `{}]}`)
	}
	var details BatchUploadDetails
	if reason := decodeJSON("application/json", devices(MaxItems), batchStatusAnswer, &details); reason != "" || len(details.DevicesStatus) != MaxItems {
		t.Errorf("%d devices: %q, %d read", MaxItems, reason, len(details.DevicesStatus))
	}
	want := fmt.Sprintf("the batch status answer lists more than %d items (devices, or other array elements), more than any Partner Center answer holds; it is refused rather than read", MaxItems)
	if reason := decodeJSON("application/json", devices(MaxItems+1), batchStatusAnswer, &BatchUploadDetails{}); reason != want {
		t.Errorf("%d devices: %q, want %q", MaxItems+1, reason, want)
	}
}

// TestStatusLinkWalk: the walk that replaced decoding a 202's body finds
// the first location among the values, in the body's order, never a key.
func TestStatusLinkWalk(t *testing.T) {
	const (
		first  = "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/0127ed8e-ff72-4983-a3d8-e8d8bd378932"
		second = "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/1127ed8e-ff72-4983-a3d8-e8d8bd378932"
	)
	for body, want := range map[string]string{
		`{"links":{"status":{"uri":"` + first + `","method":"GET"}}}`: first,
		`{"a":["x",{"b":"` + first + `"}],"c":"` + second + `"}`:      first,
		`{"` + first + `":"no","other":"` + second + `"}`:             second,
		`{"escaped":"\"` + first + `","uri":"\/customers\/47021739-3426-40bf-9601-61b4b6d7c793\/BATCHJOBSTATUS\/0127ed8e-ff72-4983-a3d8-e8d8bd378932"}`: `/customers/47021739-3426-40bf-9601-61b4b6d7c793/BATCHJOBSTATUS/0127ed8e-ff72-4983-a3d8-e8d8bd378932`,
		`{"n":1,"t":true,"z":null,"e":[],"o":{}}`: "",
	} {
		var link statusLink
		if reason := decodeJSON("application/json", []byte(body), "the answer", &link); reason != "" || string(link) != want {
			t.Errorf("%s: %q (%s), want %q", body, link, reason, want)
		}
	}
}

// TestMaxItemsSkipsStrings: the cap's scan skips strings, so that brackets
// and commas inside them neither hide items from the cap nor count as
// items, at exactly MaxItems and one more.
func TestMaxItemsSkipsStrings(t *testing.T) {
	for _, text := range []string{`]]}}`, `[,,,`, `\"],[{,}`} {
		devices := func(n int) []byte {
			item := `{"errorDescription":"` + text + `"}`
			return []byte(`{"batchTrackingId":"b","devicesStatus":[` + strings.Repeat(item+`,`, n-1) + item + `]}`)
		}
		var details BatchUploadDetails
		if reason := decodeJSON("application/json", devices(MaxItems), batchStatusAnswer, &details); reason != "" || len(details.DevicesStatus) != MaxItems {
			t.Errorf("%d devices with %q: %q, %d read", MaxItems, text, reason, len(details.DevicesStatus))
		}
		if reason := decodeJSON("application/json", devices(MaxItems+1), batchStatusAnswer, &BatchUploadDetails{}); reason == "" {
			t.Errorf("%d devices with %q: read, want refused", MaxItems+1, text)
		}
	}
}
