# Every customer's Windows Autopilot devices from one configuration: each
# file csv/<default domain>.csv holds one customer's devices, as
# Get-WindowsAutopilotInfo writes them. For each file whose name is the
# default domain of one of the partner's customers, the configuration
# uploads the devices into a batch of that customer, creates the customer's
# Autopilot profile and gives it to the devices. A file added is a customer
# added; plans name each customer by its domain:
#
#   partnercenter_device_batch.laptops["contoso.onmicrosoft.com"] will be created
#
#   terraform apply -parallelism=4
#
# Sign-in settings come from the environment (PARTNERCENTER_* or ARM_*
# variables): one sign-in serves every customer. Creating batches needs an
# app+user sign-in (a refresh token with the application's secret or
# certificate).
terraform {
  required_version = ">= 1.8" # provider functions

  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

provider "partnercenter" {}

locals {
  # Default domain => file.
  files = {
    for name in fileset("${path.module}/csv", "*.csv") :
    lower(trimsuffix(name, ".csv")) => "${path.module}/csv/${name}"
  }
}

# One listing, every page of it, serves every customer.
data "partnercenter_customers" "all" {}

locals {
  # Default domain => tenant ID, of the customers that have a file.
  customers = {
    for customer in data.partnercenter_customers.all.customers :
    lower(customer.domain) => customer.id
    if contains(keys(local.files), lower(customer.domain))
  }
}

# A file whose name is no customer's default domain is reported, not
# silently skipped.
check "every_file_names_a_customer" {
  assert {
    condition     = length(setsubtract(keys(local.files), keys(local.customers))) == 0
    error_message = "No customer of the partner has the default domain of these files: ${join(", ", sort(setsubtract(keys(local.files), keys(local.customers))))}."
  }
}

resource "partnercenter_device_batch" "laptops" {
  for_each = local.customers

  customer_id = each.value
  batch_id    = "Autopilot laptops"
  devices     = provider::partnercenter::autopilot_devices(filebase64(local.files[each.key]))
}

resource "partnercenter_configuration_policy" "standard" {
  for_each = local.customers

  customer_id     = each.value
  name            = "Standard laptops"
  description     = "Managed by Terraform for every customer"
  policy_settings = ["skip_eula", "skip_express_settings", "oobe_user_not_local_admin"]
}

resource "partnercenter_device_policy_assignment" "laptops" {
  for_each = local.customers

  customer_id = partnercenter_device_batch.laptops[each.key].customer_id
  batch_id    = partnercenter_device_batch.laptops[each.key].batch_id
  policy_id   = partnercenter_configuration_policy.standard[each.key].policy_id
  device_ids  = values(partnercenter_device_batch.laptops[each.key].device_ids)
}

# Devices per customer, and those Partner Center refused in the last upload.
output "devices" {
  value = {
    for domain, batch in partnercenter_device_batch.laptops : domain => {
      customer_id = batch.customer_id
      devices     = length(batch.devices)
      failed      = try(batch.last_upload.failed_device_count, 0)
    }
  }
}
