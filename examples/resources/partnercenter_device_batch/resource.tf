# A customer's laptops as a batch that Terraform owns: the apply uploads the
# devices, waits for Partner Center to process them and records each device's
# result. Creating a batch needs an app+user sign-in (refresh_token).
resource "partnercenter_device_batch" "laptops" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso laptops"

  # Each device under a key of your choosing: plans name the devices added
  # and removed by it. autopilot_devices() keys a CSV's devices by serial
  # number.
  devices = {
    PF3X0001 = {
      hardware_hash = "aGFyZHdhcmUgaGFzaCBvZiBQRjNYMDAwMQ=="
      serial_number = "PF3X0001"
    }
    PF3X0002 = {
      hardware_hash = "aGFyZHdhcmUgaGFzaCBvZiBQRjNYMDAwMg=="
      serial_number = "PF3X0002"
    }
    PF3X0003 = {
      serial_number         = "PF3X0003"
      oem_manufacturer_name = "Contoso"
      model_name            = "Laptop 7"
    }
  }
}

# Each device of the last upload that failed or carries an error code, such
# as "PF3X0001: finished_with_errors (error 808)"; the devices that went
# through are in device_ids. last_upload is null after an import, until the
# resource uploads: try() gives an empty list then.
output "upload_failures" {
  value = [
    for device in try(partnercenter_device_batch.laptops.last_upload.devices_status, []) :
    "${coalesce(device.serial_number, device.product_key, device.device_id, "unidentified device")}: ${coalesce(device.status, "no status")}${device.error_code == null ? "" : " (error ${device.error_code})"}"
  ]
}

# Partner Center's ID of each device, by key, for policy assignments.
output "device_ids" {
  value = partnercenter_device_batch.laptops.device_ids
}
