# A check block warns after every plan and apply when the batch is not
# finished or devices failed to upload, without stopping the run. It waits
# for the batch to finish: before that, failed_device_count counts only the
# devices that failed so far.
check "device_upload" {
  data "partnercenter_device_batch_status" "checked" {
    customer_id         = "47021739-3426-40bf-9601-61b4b6d7c793"
    batch_tracking_id   = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
    wait_for_completion = true
  }

  assert {
    condition     = data.partnercenter_device_batch_status.checked.completed && data.partnercenter_device_batch_status.checked.failed_device_count == 0
    error_message = "Batch ${data.partnercenter_device_batch_status.checked.batch_tracking_id} is ${coalesce(data.partnercenter_device_batch_status.checked.status, "without a status")}: ${data.partnercenter_device_batch_status.checked.failed_device_count} of ${data.partnercenter_device_batch_status.checked.device_count} devices failed to upload."
  }
}
