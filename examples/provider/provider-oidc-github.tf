# GitHub Actions: the job needs `permissions: id-token: write`, and the
# application a federated identity credential for the repository. GitHub sets
# ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which the
# provider reads; tenant_id and client_id may come from ARM_TENANT_ID and
# ARM_CLIENT_ID, and use_oidc from ARM_USE_OIDC=true.
provider "partnercenter" {
  alias     = "github"
  tenant_id = var.tenant_id
  client_id = var.client_id
  use_oidc  = true
}
