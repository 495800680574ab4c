# App-only sign-in with a client secret mounted as a file, for example from a
# Kubernetes secret or a Key Vault agent. The file is read again whenever a
# token is requested, so a rotated secret is picked up without a restart.
provider "partnercenter" {
  alias                   = "secret_file"
  tenant_id               = var.tenant_id
  client_id               = var.client_id
  client_secret_file_path = "/var/run/secrets/partner-center/client-secret"
}
