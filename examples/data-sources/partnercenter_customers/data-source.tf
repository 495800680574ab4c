# Every customer of the partner, by default domain.
data "partnercenter_customers" "all" {}

output "customer_ids_by_domain" {
  value = {
    for customer in data.partnercenter_customers.all.customers : customer.domain => customer.id
  }
}

# Only the customers whose default domain starts with "contoso" (Partner
# Center's one filter is "starts with"; company_name_prefix is the other).
data "partnercenter_customers" "contoso" {
  domain_prefix = "contoso"
}

output "contoso_customer_ids" {
  value = data.partnercenter_customers.contoso.ids
}
