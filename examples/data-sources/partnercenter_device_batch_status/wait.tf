# In the run that uploads the devices: wait for Partner Center to process
# the batch, named by the Location header the upload was answered with, and
# fail the read, listing the failed devices, when any device failed.
data "partnercenter_device_batch_status" "uploaded" {
  location              = "/customers/47021739-3426-40bf-9601-61b4b6d7c793/batchJobStatus/5d1e8f2a-7b3c-4d9e-a6f0-3c2b1a0e9d8f"
  wait_for_completion   = true
  fail_on_device_errors = true

  timeouts {
    read = "15m"
  }
}

output "device_status_counts" {
  value = data.partnercenter_device_batch_status.uploaded.device_status_counts
}
