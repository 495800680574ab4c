# A customer's whole Windows Autopilot set-up in one configuration: the
# devices of a hardware hash file uploaded into a batch, an Autopilot
# profile, and the profile given to every device of the batch, devices
# added to the file included, in the same apply.
#
#   terraform apply -var customer_id=<customer tenant ID>
#
# Sign-in settings come from the environment (PARTNERCENTER_* or ARM_*
# variables). Creating a batch needs an app+user sign-in: a refresh token
# (PARTNERCENTER_REFRESH_TOKEN) with the application's secret or
# certificate.
terraform {
  required_version = ">= 1.8" # provider functions

  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

provider "partnercenter" {}

variable "customer_id" {
  type        = string
  description = "The customer's tenant ID."
  default     = "47021739-3426-40bf-9601-61b4b6d7c793"
}

# 1. The devices of devices.csv, as Get-WindowsAutopilotInfo writes it,
#    keyed by serial number; filebase64() reads it in UTF-8 or in the
#    UTF-16 of Windows PowerShell 5.1.
resource "partnercenter_device_batch" "laptops" {
  customer_id = var.customer_id
  batch_id    = "Contoso sales laptops"
  devices     = provider::partnercenter::autopilot_devices(filebase64("${path.module}/devices.csv"))
}

# 2. The Autopilot profile they get.
resource "partnercenter_configuration_policy" "sales" {
  customer_id     = var.customer_id
  name            = "Contoso sales laptops"
  description     = "No license terms, no local administrator"
  policy_settings = ["skip_eula", "oobe_user_not_local_admin", "skip_express_settings"]
}

# 3. The profile for every device of the batch. device_ids is unknown in a
#    plan that uploads devices, so the assignment gives the new devices the
#    profile in the same apply.
resource "partnercenter_device_policy_assignment" "laptops" {
  customer_id = partnercenter_device_batch.laptops.customer_id
  batch_id    = partnercenter_device_batch.laptops.batch_id
  policy_id   = partnercenter_configuration_policy.sales.policy_id
  device_ids  = values(partnercenter_device_batch.laptops.device_ids)
}

output "upload_failures" {
  description = "Each device of the last upload that failed or carries an error code, such as \"PF3ABC01: finished_with_errors (error 808)\"; none after an import, until the batch uploads."
  value = [
    for device in try(partnercenter_device_batch.laptops.last_upload.devices_status, []) :
    "${coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")}: ${coalesce(device.status, "no status")}${device.error_code == null ? "" : " (error ${device.error_code})"}"
  ]
}

output "devices_with_profile" {
  description = "Partner Center's IDs of the devices that have the profile."
  value       = partnercenter_device_policy_assignment.laptops.assigned_device_ids
}
