package partnercenter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some Partner Center answers start with,
// such as Microsoft's own sample for reading a policy; encoding/json refuses
// it.
var utf8BOM = []byte("\xef\xbb\xbf")

// maxQuotedText caps server text quoted in a message, so that an HTML page or
// a runaway body stays a readable line.
const maxQuotedText = 300

// MaxItems caps the array elements one answer may hold, all its arrays
// together: devices, collection items and the arrays inside them. Without
// it, 64 MiB of empty objects ({},{},...) decode into 22 million devices and
// gigabytes of heap before anything can look at them. The largest answers
// Partner Center sends are a batch job's status, one entry per device of
// one upload (the emulator takes at most 5,000 devices an upload, as the
// request body limits them), and pages of 100 items; 100,000 is twenty
// times the largest and bounds what an answer decodes into to tens of MiB.
const MaxItems = 100_000

// maxDepth is the nesting encoding/json refuses to decode beyond.
const maxDepth = 10000

// arrayItems counts the elements of every array in the JSON text b, up to
// limit+1, without allocating: a scan before decoding, so that an answer
// of millions of elements is refused before it is decoded. Text deeper than
// maxDepth stops the count; encoding/json refuses it.
func arrayItems(b []byte, limit int) int {
	// inArray[d] is set when depth d is an array; depth 0 is outside.
	var inArray [maxDepth + 1]bool
	depth, n, opened := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		if opened {
			// The first element of an array, unless it is empty.
			opened = false
			if c != ']' {
				n++
			}
		}
		switch c {
		case '"':
			i = stringEnd(b, i) - 1
		case '[', '{':
			if depth == maxDepth {
				return n
			}
			depth++
			inArray[depth] = c == '['
			opened = c == '['
		case ']', '}':
			depth = max(depth-1, 0)
		case ',':
			if inArray[depth] {
				n++
			}
		}
		if n > limit {
			return n
		}
	}
	return n
}

// isEmpty reports whether body holds nothing but white space and a byte
// order mark.
func isEmpty(body []byte) bool {
	return len(bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))) == 0
}

// arrayAnswer is implemented by the answers that may be a bare JSON array
// as well as an object: the lists, which Partner Center's REST reference
// says answer an array, and its samples and SDKs a collection object.
// unmarshalArray decodes the array; an object is decoded as any answer is.
// It is not UnmarshalJSON, which would have encoding/json scan every page
// of thousands of devices once more before calling it.
type arrayAnswer interface {
	unmarshalArray(data []byte) error
}

// decodeJSON decodes the JSON object of an answer into out, or says in
// words why the body is not one. what names the answer, such as "the batch
// status answer". Every answer of the client is decoded here. An out that
// is an arrayAnswer takes a JSON array too.
func decodeJSON(contentType string, body []byte, what string, out any) string {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	array, arrayOK := out.(arrayAnswer)
	switch {
	case len(trimmed) == 0:
		return what + " has an empty body"
	case strings.HasPrefix(strings.ToLower(contentType), "text/html") || trimmed[0] == '<':
		return what + " is an HTML page, not JSON; a proxy or gateway may have answered instead of Partner Center"
	case trimmed[0] == '[' && arrayOK:
	case trimmed[0] != '{':
		return what + " is not a JSON object: " + quoteText(trimmed)
	case arrayItems(trimmed, MaxItems) > MaxItems:
		return fmt.Sprintf("%s lists more than %d items (devices, or other array elements), more than any Partner Center answer holds; "+
			"it is refused rather than read", what, MaxItems)
	}
	unmarshal := json.Unmarshal
	if trimmed[0] == '[' {
		unmarshal = func(data []byte, _ any) error { return array.unmarshalArray(data) }
	}
	if err := unmarshal(trimmed, out); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) && syntax.Offset >= int64(len(trimmed)) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Sprintf("%s is truncated after %d bytes", what, len(body))
		}
		return "decoding " + what + ": " + cutText(err.Error())
	}
	return ""
}

// quoteText quotes server text for a message, cut to maxQuotedText bytes.
func quoteText(b []byte) string {
	return fmt.Sprintf("%q", cutText(string(b)))
}

// cutText cuts s to maxQuotedText bytes, on a rune boundary, marking the cut.
func cutText(s string) string {
	if len(s) <= maxQuotedText {
		return s
	}
	cut := maxQuotedText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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
		return fmt.Errorf("expected a string or a number, got %s", cutText(string(data)))
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
		return fmt.Errorf("expected a date-time string, got %s", cutText(string(data)))
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
		return time.Time{}, fmt.Errorf("%q is not a date-time such as 2017-07-25T10:00:00", cutText(s))
	}
	return parsed.UTC(), nil
}
