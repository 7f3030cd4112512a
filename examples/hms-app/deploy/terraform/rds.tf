resource "aws_db_subnet_group" "main" {
  name       = "hms-app-${var.environment}"
  subnet_ids = var.database_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "hms-app-${var.environment}-db"
  description = "PostgreSQL reachable only from the application pod network"
  vpc_id      = var.vpc_id

  ingress {
    description = "PostgreSQL from the application pods"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.app_cidr_blocks
  }
}

# rds.force_ssl makes PostgreSQL refuse any connection that is not TLS. The pgaudit settings
# log every statement class that reads or changes data, which CloudWatch then keeps.
resource "aws_db_parameter_group" "postgres" {
  name   = "hms-app-${var.environment}-postgres16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name         = "shared_preload_libraries"
    value        = "pgaudit"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "pgaudit.log"
    value = "read,write,ddl,role"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }
}

resource "aws_db_instance" "main" {
  identifier     = "hms-app-${var.environment}"
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = var.db_instance_class

  db_name  = "hms"
  username = "hms_admin"
  # RDS creates the master password and keeps it in Secrets Manager, encrypted with the PHI key.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.phi.arn

  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_allocated_storage_gb * 4
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.phi.arn

  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.postgres.name
  publicly_accessible    = false
  multi_az               = var.environment == "production"

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.phi.arn

  backup_retention_period    = var.backup_retention_days
  copy_tags_to_snapshot      = true
  deletion_protection        = true
  skip_final_snapshot        = false
  final_snapshot_identifier  = "hms-app-${var.environment}-final"
  auto_minor_version_upgrade = true
}
