# One customer-managed key encrypts the database storage, its logs and the export bucket.
resource "aws_kms_key" "phi" {
  description             = "hms-app ${var.environment}: encryption of PHI at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "phi" {
  name          = "alias/hms-app-${var.environment}-phi"
  target_key_id = aws_kms_key.phi.key_id
}
