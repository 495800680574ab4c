# The status of a device batch upload: the tracking ID is the last segment of
# the Location header Partner Center returned for the upload.
data "partnercenter_device_batch_status" "upload" {
  customer_id       = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_tracking_id = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
}

output "upload_status" {
  value = data.partnercenter_device_batch_status.upload.status
}

output "failed_devices" {
  value = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    "${coalesce(device.serial_number, device.product_key, "unidentified device")}: ${device.error_code} ${coalesce(device.error_description, "")}"
    if device.error_code != null
  ]
}
