# A postcondition stops the run when the batch is not finished or any device
# failed, so nothing that depends on the upload goes ahead.
data "partnercenter_device_batch_status" "gate" {
  customer_id       = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_tracking_id = "5d1e8f2a-7b3c-4d9e-a6f0-3c2b1a0e9d8f"

  lifecycle {
    postcondition {
      condition     = self.completed && self.failed_device_count == 0
      error_message = "Batch ${self.batch_tracking_id} is ${coalesce(self.status, "without a status")} with ${self.failed_device_count} failed device(s)."
    }
  }
}
