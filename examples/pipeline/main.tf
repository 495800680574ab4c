# A pipeline step after a device upload: wait until Partner Center has
# processed the batch, warn about failed devices, and stop the run when any
# device failed, so that nothing depending on the upload goes ahead.
#
#   terraform apply -var "upload_location=$LOCATION"
#
# where $LOCATION is the Location header the upload was answered with, such
# as /customers/{customer-id}/batchJobStatus/{batch-tracking-id}.
terraform {
  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

# Sign-in settings come from the pipeline's environment (PARTNERCENTER_* or
# ARM_* variables, or the CI system's OIDC variables with use_oidc).
provider "partnercenter" {}

variable "upload_location" {
  type        = string
  description = "The Location header Partner Center answered the device upload with."
}

data "partnercenter_device_batch_status" "upload" {
  location            = var.upload_location
  wait_for_completion = true

  # Large batches take a while; the default is 5 minutes.
  timeouts {
    read = "20m"
  }

  lifecycle {
    # Stops the run: the error names the failed devices' count, and the
    # failed_serial_numbers output of the previous run lists them.
    postcondition {
      condition     = self.failed_device_count == 0
      error_message = "${self.failed_device_count} of ${self.device_count} devices of batch ${self.batch_tracking_id} failed to upload: ${jsonencode(self.device_status_counts)}."
    }
  }
}

# Warns on every plan and apply, without stopping the run. Kept next to the
# postcondition here to show both; a pipeline that tolerates failed devices
# keeps only this.
check "no_failed_devices" {
  assert {
    condition     = data.partnercenter_device_batch_status.upload.failed_device_count == 0
    error_message = "Devices failed to upload: ${join(", ", local.failed_devices)}."
  }
}

locals {
  failed_devices = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    "${coalesce(device.serial_number, device.product_key, "unidentified device")} (error ${coalesce(device.error_code, "none")}: ${coalesce(device.error_description, "no description")})"
    if device.error_code != null || device.status == "finished_with_errors"
  ]
}

output "status" {
  value = data.partnercenter_device_batch_status.upload.status
}

output "device_status_counts" {
  value = data.partnercenter_device_batch_status.upload.device_status_counts
}

output "failed_serial_numbers" {
  value = [
    for device in data.partnercenter_device_batch_status.upload.devices_status :
    device.serial_number
    if device.serial_number != null && (device.error_code != null || device.status == "finished_with_errors")
  ]
}
