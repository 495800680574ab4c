# Every batch a customer already has, brought under Terraform in one plan:
# import blocks over the batches partnercenter_device_batches lists, each
# batch's devices as partnercenter_devices lists them, keyed as an import
# keys them. The plan imports every batch and changes nothing in Partner
# Center; from then on, Terraform owns these batches.

terraform {
  # for_each in import blocks.
  required_version = ">= 1.7"
  required_providers {
    partnercenter = {
      source = "seed-8b9b5c63/partnercenter"
    }
  }
}

variable "customer_id" {
  description = "The customer whose batches to bring under Terraform."
  type        = string
  default     = "47021739-3426-40bf-9601-61b4b6d7c793"
}

data "partnercenter_device_batches" "all" {
  customer_id = var.customer_id
}

data "partnercenter_devices" "each" {
  for_each    = toset([for batch in data.partnercenter_device_batches.all.batches : batch.batch_id])
  customer_id = var.customer_id
  batch_id    = each.key
}

locals {
  # The batches that hold devices (devices takes at least one), each
  # device as Partner Center lists it, under the key an import gives it.
  batches = {
    for batch_id, listed in data.partnercenter_devices.each : batch_id => {
      for device in listed.devices : device.key => {
        serial_number         = device.serial_number
        product_key           = device.product_key
        oem_manufacturer_name = device.oem_manufacturer_name
        model_name            = device.model_name
      }
    } if length(listed.devices) > 0
  }
}

import {
  for_each = local.batches
  to       = partnercenter_device_batch.existing[each.key]
  id       = "${var.customer_id}/${each.key}"
}

resource "partnercenter_device_batch" "existing" {
  for_each    = local.batches
  customer_id = var.customer_id
  batch_id    = each.key
  devices     = each.value
}

output "devices_per_batch" {
  description = "How many devices each imported batch holds, by its name."
  value       = { for batch_id, batch in partnercenter_device_batch.existing : batch_id => length(batch.device_ids) }
}
