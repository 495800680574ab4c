# A bearer token obtained elsewhere (for example by a pipeline step that signs
# in with the secure application model), used as is.
provider "partnercenter" {
  alias        = "token"
  access_token = var.partner_center_token
}

variable "partner_center_token" {
  type      = string
  sensitive = true
}
