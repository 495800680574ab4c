# Or with an import block (Terraform 1.5 and later).
import {
  to = partnercenter_device_batch.laptops
  id = "47021739-3426-40bf-9601-61b4b6d7c793/Contoso laptops"
}
