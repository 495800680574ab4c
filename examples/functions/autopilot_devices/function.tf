# Upload the devices of a hardware hash file into a customer's batch.
# devices.csv is as Get-WindowsAutopilotInfo writes it:
#
#   Device Serial Number,Windows Product ID,Hardware Hash,Group Tag
#   PF3ABC01,,3lpMToowQ5sxMCFUz+NtYV+2hffNpOW+...,Sales
#
# filebase64() hands the function the file in any encoding: Windows
# PowerShell 5.1 writes it in UTF-16, which file() refuses.
#
# Uploading needs an app+user sign-in (refresh_token).
terraform {
  # Terraform finds a provider's functions only when it is declared here.
  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

locals {
  devices = provider::partnercenter::autopilot_devices(filebase64("${path.module}/devices.csv"))
}

resource "partnercenter_device_batch" "laptops" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso laptops"
  devices     = local.devices
}

# The function keys each device by its serial number.
output "serial_numbers" {
  value = keys(local.devices)
}

# Null after an import, until the resource uploads.
output "upload_status" {
  value = try(partnercenter_device_batch.laptops.last_upload.status, null)
}
