# On a laptop: after `az login`, with nothing else configured, the provider
# signs in as the Azure CLI's user. tenant_id, when set, asks the CLI for a
# token of that tenant.
provider "partnercenter" {
  alias     = "cli"
  tenant_id = var.tenant_id
}
