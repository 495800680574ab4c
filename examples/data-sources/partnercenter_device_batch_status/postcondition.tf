# A postcondition stops the run when the batch is not finished or any device
# failed, so nothing that depends on the upload goes ahead.
data "partnercenter_device_batch_status" "gate" {
  customer_id       = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_tracking_id = "0127ed8e-ff72-4983-a3d8-e8d8bd378932"

  lifecycle {
    postcondition {
      condition     = self.completed && self.failed_device_count == 0
      error_message = "Batch ${self.batch_tracking_id} is ${self.status} with ${self.failed_device_count} failed device(s)."
    }
  }
}
