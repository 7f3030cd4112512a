variable "region" {
  description = "AWS region of every resource in this stack, for example us-east-1."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Deployment environment name, used in resource names and tags: staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "The environment must be staging or production."
  }
}

variable "vpc_id" {
  description = "ID of the VPC that holds the Kubernetes nodes and the database."
  type        = string
}

variable "database_subnet_ids" {
  description = "Private subnet IDs for the database subnet group; at least two, in different availability zones."
  type        = list(string)

  validation {
    condition     = length(var.database_subnet_ids) >= 2
    error_message = "Give at least two private subnets in different availability zones."
  }
}

variable "app_cidr_blocks" {
  description = "CIDR blocks of the Kubernetes pod network allowed to reach PostgreSQL on port 5432."
  type        = list(string)
}

variable "db_instance_class" {
  description = "RDS instance class of the PostgreSQL database."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage_gb" {
  description = "Initial storage of the database in GiB; storage autoscaling may grow it to four times this."
  type        = number
  default     = 50
}

variable "backup_retention_days" {
  description = "Days of automated database backups to keep (1 to 35)."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "The backup retention must be from 1 to 35 days."
  }
}
