# App-only sign-in with a client secret to Partner Center's public cloud.
# Each attribute may be left out and come from the environment instead
# (PARTNERCENTER_TENANT_ID, PARTNERCENTER_CLIENT_ID, PARTNERCENTER_CLIENT_SECRET,
# or the ARM_* variables the Azure providers use).
provider "partnercenter" {
  tenant_id     = var.tenant_id
  client_id     = var.client_id
  client_secret = var.client_secret
}

variable "tenant_id" {
  type        = string
  description = "The partner's Entra ID tenant."
}

variable "client_id" {
  type        = string
  description = "The application registered for Partner Center API access."
}

variable "client_secret" {
  type        = string
  description = "The application's client secret."
  sensitive   = true
}
