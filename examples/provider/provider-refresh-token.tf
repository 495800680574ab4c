# App+user sign-in (the secure application model): a refresh token from a user
# who consented to the application, exchanged with the application's secret
# (or certificate) for a delegated token with scope
# https://api.partnercenter.microsoft.com/user_impersonation.
provider "partnercenter" {
  alias         = "app_user"
  tenant_id     = var.tenant_id
  client_id     = var.client_id
  client_secret = var.client_secret
  refresh_token = var.refresh_token
}

variable "refresh_token" {
  type      = string
  sensitive = true
}
