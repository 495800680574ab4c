# Any other OpenID Connect issuer, such as Kubernetes workload identity, which
# writes a rotating token to the file AZURE_FEDERATED_TOKEN_FILE names (read
# without configuration). The file is read again whenever a token is
# requested. oidc_token takes the token itself instead.
provider "partnercenter" {
  alias                = "federated_file"
  tenant_id            = var.tenant_id
  client_id            = var.client_id
  use_oidc             = true
  oidc_token_file_path = "/var/run/secrets/azure/tokens/azure-identity-token"
}
