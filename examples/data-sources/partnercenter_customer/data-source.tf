# The customer whose default domain is contoso.onmicrosoft.com: its tenant
# ID is the customer_id the other resources take.
data "partnercenter_customer" "contoso" {
  domain = "contoso.onmicrosoft.com"
}

resource "partnercenter_configuration_policy" "standard" {
  customer_id     = data.partnercenter_customer.contoso.customer_id
  name            = "Standard laptops"
  policy_settings = ["skip_eula", "oobe_user_not_local_admin"]
}

output "company_name" {
  value = data.partnercenter_customer.contoso.company_name
}
