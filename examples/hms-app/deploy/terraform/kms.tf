data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# Key policy: the account administers the key, and CloudTrail may encrypt its log files with it.
data "aws_iam_policy_document" "phi_key" {
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudTrailEncryptLogs"
    actions   = ["kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }
}

# One customer-managed key encrypts the database storage, its logs, the export bucket and the
# audit log bucket.
resource "aws_kms_key" "phi" {
  description             = "hms-app ${var.environment}: encryption of PHI at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.phi_key.json
}

resource "aws_kms_alias" "phi" {
  name          = "alias/hms-app-${var.environment}-phi"
  target_key_id = aws_kms_key.phi.key_id
}
