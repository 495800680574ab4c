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

variable "customer_id" {
  type        = string
  description = "The customer whose device batch to read."
  default     = "47021739-3426-40bf-9601-61b4b6d7c793"
}

variable "batch_tracking_id" {
  type        = string
  description = "The batch tracking ID from the upload's Location header."
  default     = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"
}

data "partnercenter_device_batch_status" "upload" {
  customer_id       = var.customer_id
  batch_tracking_id = var.batch_tracking_id
}

check "device_upload" {
  assert {
    condition     = data.partnercenter_device_batch_status.upload.failed_device_count == 0
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

output "device_count" {
  value = data.partnercenter_device_batch_status.upload.device_count
}

output "failed_devices" {
  value = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    "${device.serial_number}: ${device.error_code} ${device.error_description}"
    if device.error_code != null
  ]
}
