# A profile is imported by its customer ID and policy ID.
terraform import partnercenter_configuration_policy.sales "47021739-3426-40bf-9601-61b4b6d7c793/5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c"
