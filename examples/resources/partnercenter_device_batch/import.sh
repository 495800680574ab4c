# A batch is imported by its customer ID and name; its devices are the ones
# Partner Center holds.
terraform import partnercenter_device_batch.laptops "47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops"
