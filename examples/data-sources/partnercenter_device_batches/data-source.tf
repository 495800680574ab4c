# Every device batch of a customer, such as to find the ones a previous tool
# left behind.
data "partnercenter_device_batches" "all" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
}

output "batches" {
  value = {
    for batch in data.partnercenter_device_batches.all.batches : batch.batch_id => batch.device_count
  }
}
