# Every device of the batch gets the profile, devices added to the batch
# later at the next apply.
resource "partnercenter_device_policy_assignment" "laptops" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso laptops"
  policy_id   = var.profile_id
}

variable "profile_id" {
  type        = string
  description = "The policy ID of the Autopilot profile, such as partnercenter_configuration_policy.sales.policy_id."
}

output "devices_with_profile" {
  value = partnercenter_device_policy_assignment.laptops.assigned_device_ids
}
