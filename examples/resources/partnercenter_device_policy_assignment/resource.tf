# A batch that Terraform manages, its devices keyed by serial number.
resource "partnercenter_device_batch" "laptops" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso laptops"
  devices = {
    PF3X0001 = { hardware_hash = "aGFyZHdhcmUgaGFzaCBvZiBQRjNYMDAwMQ==", serial_number = "PF3X0001" }
    PF3X0002 = { hardware_hash = "aGFyZHdhcmUgaGFzaCBvZiBQRjNYMDAwMg==", serial_number = "PF3X0002" }
    PF3X0003 = { hardware_hash = "aGFyZHdhcmUgaGFzaCBvZiBQRjNYMDAwMw==", serial_number = "PF3X0003" }
  }
}

locals {
  kiosks = ["PF3X0003"]
}

# The batch's devices but the kiosks get the sales profile, in the same
# apply as they are uploaded: device_ids is unknown in a plan that uploads
# devices, so the assignment is planned again with them.
resource "partnercenter_device_policy_assignment" "laptops" {
  customer_id = partnercenter_device_batch.laptops.customer_id
  batch_id    = partnercenter_device_batch.laptops.batch_id
  policy_id   = var.profile_id
  device_ids  = [for key, id in partnercenter_device_batch.laptops.device_ids : id if !contains(local.kiosks, key)]
}

# The kiosks, by their keys, get another profile. No two assignments may
# give one device a profile: each would take the other's off at every apply.
resource "partnercenter_device_policy_assignment" "kiosks" {
  customer_id = partnercenter_device_batch.laptops.customer_id
  batch_id    = partnercenter_device_batch.laptops.batch_id
  policy_id   = var.kiosk_profile_id
  device_ids  = [for key in local.kiosks : partnercenter_device_batch.laptops.device_ids[key]]
}

# Every device of a batch Terraform does not manage, as it is when the
# assignment is applied; devices added to it later get the profile at the
# next apply.
resource "partnercenter_device_policy_assignment" "fleet" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso fleet"
  policy_id   = var.profile_id
}

variable "profile_id" {
  type        = string
  description = "The policy ID of the Autopilot profile, such as partnercenter_configuration_policy.sales.policy_id."
}

variable "kiosk_profile_id" {
  type        = string
  description = "The policy ID of the kiosks' Autopilot profile."
}

output "devices_with_profile" {
  value = partnercenter_device_policy_assignment.laptops.assigned_device_ids
}
