package partnercenter

import "strings"

// Partner Center documents its enums in snake_case (finished_with_errors,
// o_o_b_e, skip_eula): the .NET SDK writes its enum names that way. The
// same SDK reads them back in any case and in PascalCase (FinishedWithErrors,
// OOBE, SkipEula), and nothing public says Partner Center never answers so.
// The client reads every documented enum in any of these spellings and hands
// on the documented one; a value it does not know is kept as sent.

// canonicalEnum returns the value of known that s spells, ignoring case and
// the underscores and hyphens between words, or s itself when it spells
// none of them.
func canonicalEnum(s string, known []string) string {
	for _, k := range known {
		if s == k {
			return s // the documented spelling, the usual case
		}
	}
	folded := foldEnum(s)
	for _, k := range known {
		if folded == foldEnum(k) {
			return k
		}
	}
	return s
}

// foldEnum is s in lower case without underscores and hyphens.
func foldEnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// uploadStatuses are the documented values of UploadStatus.
var uploadStatuses = []string{
	string(StatusUnknown), string(StatusQueued), string(StatusProcessing), string(StatusFinished), string(StatusFinishedWithErrors),
}

// canonical is s in its documented spelling, or s when it is none of the
// documented statuses (such as the "in-progress" the docs mention once).
func (s UploadStatus) canonical() UploadStatus {
	return UploadStatus(canonicalEnum(string(s), uploadStatuses))
}
