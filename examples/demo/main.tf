# The demo that `make demo` applies against the emulator. The provider block is
# empty: the emulator command writes PARTNERCENTER_* variables (and
# SSL_CERT_FILE for its certificate authority) that the demo exports.
terraform {
  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

provider "partnercenter" {}

# The emulator's scheduled batch: queued when first read, then processing
# while its four devices finish one a second, two of them failing.
variable "upload_location" {
  type        = string
  description = "The Location header Partner Center answered the device upload with."
  default     = "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/d2c4e6f8-1a3b-4c5d-9e7f-8a9b0c1d2e3f"
}

data "partnercenter_device_batch_status" "upload" {
  location            = var.upload_location
  wait_for_completion = true
}

check "device_upload" {
  assert {
    condition     = data.partnercenter_device_batch_status.upload.completed && data.partnercenter_device_batch_status.upload.failed_device_count == 0
    error_message = "${data.partnercenter_device_batch_status.upload.failed_device_count} of ${data.partnercenter_device_batch_status.upload.device_count} devices failed to upload."
  }
}

output "status" {
  value = data.partnercenter_device_batch_status.upload.status
}

output "started_time" {
  value = data.partnercenter_device_batch_status.upload.started_time
}

output "completed_time" {
  value = data.partnercenter_device_batch_status.upload.completed_time
}

output "device_status_counts" {
  value = data.partnercenter_device_batch_status.upload.device_status_counts
}

# Partner Center may leave out a failed device's serial number or error
# description: each part falls back rather than failing the template.
output "failed_devices" {
  value = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    "${coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")}: ${device.error_code == null ? device.status : device.error_code}${device.error_description == null ? "" : " ${device.error_description}"}"
    if device.status == "finished_with_errors" || device.error_code != null
  ]
}
