# A Windows Autopilot profile: the user skips the license terms and does not
# become a local administrator.
resource "partnercenter_configuration_policy" "sales" {
  customer_id = "47021739-3426-40bf-9601-61b4b6d7c793"
  name        = "Contoso sales laptops"
  description = "Autopilot profile of the sales team's laptops"

  policy_settings = [
    "skip_eula",
    "oobe_user_not_local_admin",
    "skip_express_settings",
  ]
}

output "profile_id" {
  value = partnercenter_configuration_policy.sales.policy_id
}
