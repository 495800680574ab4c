# A check block warns after every plan and apply when devices failed to
# upload, without stopping the run.
check "device_upload" {
  data "partnercenter_device_batch_status" "checked" {
    customer_id       = "47021739-3426-40bf-9601-61b4b6d7c793"
    batch_tracking_id = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
  }

  assert {
    condition     = data.partnercenter_device_batch_status.checked.failed_device_count == 0
    error_message = "${data.partnercenter_device_batch_status.checked.failed_device_count} of ${data.partnercenter_device_batch_status.checked.device_count} devices failed to upload."
  }
}
