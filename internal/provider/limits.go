package provider

import "time"

// defaultReadTimeout bounds a read, retries and the wait for completion
// included, when timeouts { read } is not set.
const defaultReadTimeout = 5 * time.Minute

// maxBatchIDLength bounds batch_id, a free-text name.
const maxBatchIDLength = 256

// maxListedFailedDevices caps the devices a diagnostic lists, so that a batch
// of thousands stays readable; devices_status has them all.
const maxListedFailedDevices = 10

// Timeouts of partnercenter_device_batch. Create and update include waiting
// for Partner Center to process the upload.
const (
	defaultUploadTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)
