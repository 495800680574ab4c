package partnercenter

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, time.November, 24, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   string
	}{
		{map[string]string{"Retry-After": "57"}, "57s"},
		{map[string]string{"Retry-After": "Tue, 24 Nov 2026 08:01:30 GMT"}, "1m30s"},
		{map[string]string{"Retry-After": "Tue, 24 Nov 2026 07:59:00 GMT"}, "0s"},
		{map[string]string{"Retry-After": "0"}, "0s"},
		{map[string]string{"Retry-After": "-5"}, "0s"},
		{map[string]string{"Retry-After": "soon"}, "0s"},
		{map[string]string{"Retry-After": "57", "Retry-After-Ms": "250"}, "250ms"},
		{map[string]string{"Retry-After": "57", "X-Ms-Retry-After-Ms": "300"}, "300ms"},
		{map[string]string{}, "0s"},
	}
	for _, tt := range tests {
		resp := &http.Response{Header: http.Header{}}
		for k, v := range tt.header {
			resp.Header.Set(k, v)
		}
		if got := retryAfter(resp, now).String(); got != tt.want {
			t.Errorf("retryAfter(%v) = %s, want %s", tt.header, got, tt.want)
		}
	}
}
