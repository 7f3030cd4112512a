output "db_endpoint" {
  description = "Host and port of the PostgreSQL instance; clients must connect with TLS."
  value       = aws_db_instance.main.endpoint
}

output "db_master_secret_arn" {
  description = "ARN of the Secrets Manager secret that holds the master credentials."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "exports_bucket" {
  description = "Name of the encrypted FHIR export bucket."
  value       = aws_s3_bucket.exports.bucket
}
