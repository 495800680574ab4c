# On an Azure virtual machine, App Service, Functions, Container Apps or a
# self-hosted runner with a managed identity. client_id picks a user-assigned
# identity; leave it out for the system-assigned one.
provider "partnercenter" {
  alias     = "managed_identity"
  use_msi   = true
  client_id = var.managed_identity_client_id
}

variable "managed_identity_client_id" {
  type        = string
  description = "The client ID of the user-assigned managed identity."
}
