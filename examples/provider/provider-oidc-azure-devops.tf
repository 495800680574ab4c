# Azure DevOps: a workload identity federation service connection. Map the
# pipeline's System.AccessToken into the step's environment as
# SYSTEM_ACCESSTOKEN; Azure DevOps sets SYSTEM_OIDCREQUESTURI itself.
provider "partnercenter" {
  alias                              = "azure_devops"
  tenant_id                          = var.tenant_id
  client_id                          = var.client_id
  use_oidc                           = true
  ado_pipeline_service_connection_id = var.service_connection_id
}

variable "service_connection_id" {
  type        = string
  description = "The ID of the Azure DevOps service connection."
}
