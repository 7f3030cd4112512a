variable "environment" {
  type    = string
  default = "prod"
}

variable "db_encrypted" {
  type    = bool
  default = true
}

variable "backup_days" {
  type    = number
  default = 14
}

variable "vpc_id" {
  type = string
}

locals {
  name        = "hms-${var.environment}"
  bucket_name = "${local.name}-phi"
}
