# The devices Partner Center holds in a batch, every page of them.
data "partnercenter_devices" "laptops" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  batch_id    = "Contoso laptops"
}

# Devices that have no Autopilot profile yet.
output "without_profile" {
  value = [
    for device in data.partnercenter_devices.laptops.devices :
    coalesce(device.serial_number, device.product_key, device.id, "unidentified device")
    if device.oobe_policy_id == null
  ]
}
