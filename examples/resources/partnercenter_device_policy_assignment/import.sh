# An assignment is imported by the customer ID, the batch's name and the
# policy ID; it covers the devices that have the profile, or the whole
# batch when every device has it.
terraform import partnercenter_device_policy_assignment.laptops "47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops/5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c"
