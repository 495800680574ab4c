# A batch is imported by its customer ID and name, in any case; its devices
# are the ones Partner Center holds, each keyed by its serial number (else
# its product key, else its ID), as autopilot_devices() keys a CSV's devices.
terraform import partnercenter_device_batch.laptops "47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops"
