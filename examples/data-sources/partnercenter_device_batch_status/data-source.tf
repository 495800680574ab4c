# The status of a device batch upload: the tracking ID is the last segment of
# the Location header Partner Center returned for the upload.
data "partnercenter_device_batch_status" "upload" {
  customer_id       = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_tracking_id = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
}

output "upload_status" {
  value = data.partnercenter_device_batch_status.upload.status
}

# A batch can be finished while a device failed (Microsoft's own example
# answer is): failed_device_count says whether every device went through.
output "failed_device_count" {
  value = data.partnercenter_device_batch_status.upload.failed_device_count
}

# The failed devices, chosen as failed_device_count counts them: status
# finished_with_errors, or an error code. Partner Center may leave out any
# field of a device, so every part has a fallback.
output "failed_devices" {
  value = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    "${coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")}: ${coalesce(device.error_code, device.status)}${device.error_description == null ? "" : " ${device.error_description}"}"
    if device.status == "finished_with_errors" || device.error_code != null
  ]
}
