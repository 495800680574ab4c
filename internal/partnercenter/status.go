package partnercenter

// UploadStatus is Partner Center's DeviceUploadStatusType, used for a batch and
// for each device in it. Values Partner Center may add later (or the
// "in-progress" its docs mention) are kept as sent.
type UploadStatus string

// The documented upload statuses.
const (
	StatusUnknown            UploadStatus = "unknown"
	StatusQueued             UploadStatus = "queued"
	StatusProcessing         UploadStatus = "processing"
	StatusFinished           UploadStatus = "finished"
	StatusFinishedWithErrors UploadStatus = "finished_with_errors"
)

// Terminal reports whether processing is over: the status will not change again.
func (s UploadStatus) Terminal() bool {
	return s == StatusFinished || s == StatusFinishedWithErrors
}
