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

// isEmpty reports whether body holds nothing but white space and a byte
// order mark.
func isEmpty(body []byte) bool {
	return len(bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))) == 0
}

// decodeJSON decodes the JSON object of an answer into out, or says in
// words why the body is not one. what names the answer, such as "the batch
// status answer". Every answer of the client is decoded here.
func decodeJSON(contentType string, body []byte, what string, out any) string {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	switch {
	case len(trimmed) == 0:
		return what + " has an empty body"
	case strings.HasPrefix(strings.ToLower(contentType), "text/html") || trimmed[0] == '<':
		return what + " is an HTML page, not JSON; a proxy or gateway may have answered instead of Partner Center"
	case trimmed[0] != '{':
		return what + " is not a JSON object: " + quoteText(trimmed)
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
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
