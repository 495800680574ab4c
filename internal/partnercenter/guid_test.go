package partnercenter_test

import (
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

func TestIsGUID(t *testing.T) {
	for value, want := range map[string]bool{
		"47021739-3426-40bf-9601-61b4b6d7c793":          true,
		"47021739-3426-40BF-9601-61B4B6D7C793":          true,
		"{47021739-3426-40bf-9601-61b4b6d7c793}":        false,
		"urn:uuid:47021739-3426-40bf-9601-61b4b6d7c793": false,
		"4702173934264 0bf960161b4b6d7c793":             false,
		"47021739342640bf960161b4b6d7c793":              false,
		"47021739-3426-40bf-9601-61b4b6d7c79g":          false,
		" 47021739-3426-40bf-9601-61b4b6d7c793":         false,
		"":                                              false,
	} {
		if got := partnercenter.IsGUID(value); got != want {
			t.Errorf("IsGUID(%q) = %v, want %v", value, got, want)
		}
	}
}
