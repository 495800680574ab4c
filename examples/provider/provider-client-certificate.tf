# App-only sign-in with a certificate registered on the application. The file
# (PKCS#12 or PEM) is read again whenever a token is requested, so a renewed
# certificate is picked up; client_certificate takes the content instead,
# base64-encoded.
provider "partnercenter" {
  alias                       = "certificate"
  tenant_id                   = var.tenant_id
  client_id                   = var.client_id
  client_certificate_path     = "${path.module}/partner-center.pfx"
  client_certificate_password = var.certificate_password
}

variable "certificate_password" {
  type      = string
  sensitive = true
}
