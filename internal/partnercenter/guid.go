package partnercenter

import (
	"regexp"
	"strings"
)

// guidPattern is the canonical 8-4-4-4-12 form Partner Center puts in paths,
// in either case: GUIDs compare case-insensitively.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s is a GUID in the 8-4-4-4-12 form, such as
// 47021739-3426-40bf-9601-61b4b6d7c793, in either case. Braces and URN forms
// are not GUIDs here: Partner Center does not write them in its paths.
func IsGUID(s string) bool {
	return guidPattern.MatchString(s)
}

// canonicalID is id as Partner Center writes it in its paths: a GUID in
// lower case. GUIDs compare case-insensitively, but a path segment need
// not, so upper-case hex digits a user wrote are not sent as written.
func canonicalID(id string) string {
	if IsGUID(id) {
		return strings.ToLower(id)
	}
	return id
}
