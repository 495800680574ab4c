# An Autopilot profile looked up by its name, compared case-insensitively.
data "partnercenter_configuration_policies" "sales" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  name        = "Contoso sales laptops"

  lifecycle {
    postcondition {
      condition     = length(self.policies) == 1
      error_message = "Expected exactly one profile named \"Contoso sales laptops\", found ${length(self.policies)}."
    }
  }
}

output "profile_id" {
  value = data.partnercenter_configuration_policies.sales.policies[0].policy_id
}
