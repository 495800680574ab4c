# A pipeline step after a device upload: wait until Partner Center has
# processed the batch and stop the run when any device failed, naming the
# failed devices, so that nothing depending on the upload goes ahead.
#
#   terraform apply -var "upload_location=$LOCATION"
#
# where $LOCATION is the Location header the upload was answered with, such
# as /customers/{customer-id}/batchJobStatus/{batch-tracking-id}.
#
# A pipeline that publishes the failed devices before it fails applies with
# -var stop_on_failed_devices=false: the run completes, a check block warns
# about the failed devices, and the outputs list them. The next steps write
# them to a file, publish it and fail the job:
#
#   terraform output -json failed_devices > failed-devices.json
#   test "$(terraform output -raw failed_device_count)" = 0
#
# examples/ci holds a GitHub Actions workflow and an Azure DevOps pipeline
# that do so.
terraform {
  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

# Sign-in settings come from the pipeline's environment (PARTNERCENTER_* or
# ARM_* variables, or the CI system's OIDC variables with use_oidc). Reading
# a batch's status works with an app-only sign-in.
provider "partnercenter" {}

variable "upload_location" {
  type        = string
  description = "The Location header Partner Center answered the device upload with."
}

variable "stop_on_failed_devices" {
  type        = bool
  default     = true
  description = "Whether a failed device stops the run; false only warns, and the outputs list the failed devices."
}

data "partnercenter_device_batch_status" "upload" {
  location            = var.upload_location
  wait_for_completion = true

  # Large batches take a while; the default is 5 minutes.
  timeouts {
    read = "20m"
  }

  lifecycle {
    # Stops the run before anything that depends on the upload, naming the
    # failed devices: the outputs are not written when it fails.
    postcondition {
      condition     = !var.stop_on_failed_devices || self.failed_device_count == 0
      error_message = "${self.failed_device_count} of ${self.device_count} devices of batch ${self.batch_tracking_id} failed to upload: ${join(", ", [for device in self.devices_status : "${coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")} (error ${coalesce(device.error_code, "none")})" if device.status == "finished_with_errors" || device.error_code != null])}."
    }
  }
}

# Warns without stopping the run: with stop_on_failed_devices = false, the
# apply completes, this warning names the failed devices and the outputs
# list them for the next step of the pipeline.
check "no_failed_devices" {
  assert {
    condition     = data.partnercenter_device_batch_status.upload.failed_device_count == 0
    error_message = "Devices failed to upload: ${join(", ", [for device in local.failed_devices : "${device.name} (error ${coalesce(device.error_code, "none")}: ${coalesce(device.error_description, "no description")})"])}."
  }
}

locals {
  # The failed devices, chosen as failed_device_count counts them: status
  # finished_with_errors, or an error code. Any field may be null.
  failed_devices = [
    for device in data.partnercenter_device_batch_status.upload.devices_status : {
      name              = coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")
      serial_number     = device.serial_number
      product_key       = device.product_key
      device_id         = device.device_id
      status            = device.status
      error_code        = device.error_code
      error_description = device.error_description
    }
    if device.status == "finished_with_errors" || device.error_code != null
  ]
}

output "status" {
  value = data.partnercenter_device_batch_status.upload.status
}

output "device_status_counts" {
  value = data.partnercenter_device_batch_status.upload.device_status_counts
}

output "failed_device_count" {
  description = "How many devices failed: the job fails when it is not 0."
  value       = data.partnercenter_device_batch_status.upload.failed_device_count
}

output "failed_devices" {
  description = "Each failed device with Partner Center's error, for the job's artifact."
  value       = local.failed_devices
}
