# In the run that uploads the devices: wait for Partner Center to process
# the batch, named by the Location header the upload was answered with, and
# fail the read, listing the failed devices, when any device failed.
data "partnercenter_device_batch_status" "uploaded" {
  location              = "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/0127ed8e-ff72-4983-a3d8-e8d8bd378932"
  wait_for_completion   = true
  fail_on_device_errors = true

  timeouts {
    read = "15m"
  }
}

output "device_status_counts" {
  value = data.partnercenter_device_batch_status.uploaded.device_status_counts
}
