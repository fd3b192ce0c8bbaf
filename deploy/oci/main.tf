# hadr4j reference app on OCI: an instance pool spread over the three fault domains of one availability
# domain, behind a flexible load balancer whose health checker probes /api/health.
#
#   terraform init && terraform apply -var-file=my.tfvars
#
# The instances download the reference-app jar and run `serve`; each learns its region, availability domain and
# fault domain from instance metadata. The pool scales on CPU; on scale-in an instance's `serve` drains (readiness
# DOWN, still serving) for longer than the health checker needs to take it out. The database credentials are an
# OCI Vault secret the instances may read by instance principal (dynamic group + policy). An Autonomous Database
# with a cross-region Autonomous Data Guard standby, its backup retention, and a backup policy for the instances'
# block volumes complete the picture.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    oci = {
      source  = "oracle/oci"
      version = ">= 5.0.0"
    }
  }
}

provider "oci" {
  region = var.region
}

# The Autonomous Data Guard standby is created through its own region's endpoint.
provider "oci" {
  alias  = "standby"
  region = var.standby_region
}

variable "region" {
  description = "OCI region, for example ap-mumbai-1."
  type        = string
}

variable "tenancy_ocid" {
  description = "OCID of the tenancy: dynamic groups live there."
  type        = string
}

variable "standby_region" {
  description = "Region of the Autonomous Data Guard standby, a pair region of var.region, for example ap-hyderabad-1."
  type        = string
}

variable "compartment_id" {
  description = "OCID of the compartment for every resource."
  type        = string
}

variable "availability_domain" {
  description = "Availability domain name, for example Uocm:AP-MUMBAI-1-AD-1."
  type        = string
}

variable "app_subnet_id" {
  description = "OCID of the private subnet for the app instances."
  type        = string
}

variable "lb_subnet_id" {
  description = "OCID of the public subnet for the load balancer."
  type        = string
}

variable "image_id" {
  description = "OCID of an Oracle Linux 9 image for the shape."
  type        = string
}

variable "shape" {
  description = "Instance shape."
  type        = string
  default     = "VM.Standard.E5.Flex"
}

variable "instance_count" {
  description = "Instances in the pool at first; three or more puts one in each fault domain."
  type        = number
  default     = 3
}

variable "instance_count_min" {
  description = "The fewest instances autoscaling leaves (one per fault domain)."
  type        = number
  default     = 3
}

variable "instance_count_max" {
  description = "The most instances autoscaling makes."
  type        = number
  default     = 9
}

variable "scale_out_cpu_percent" {
  description = "Average CPU above which the pool grows by one instance."
  type        = number
  default     = 70
}

variable "scale_in_cpu_percent" {
  description = "Average CPU below which the pool shrinks by one instance."
  type        = number
  default     = 20
}

variable "drain_delay_seconds" {
  description = "How long a stopping instance keeps serving with readiness DOWN: more than the health checker's retries x interval + timeout."
  type        = number
  default     = 35
}

variable "jar_url" {
  description = "Where instances download reference-app.jar from (an Object Storage pre-authenticated request URL, for example)."
  type        = string
}

variable "db_endpoints" {
  description = "Database endpoints as the app's HADR_DB expects: 'NAME,REGION,JDBC_URL' entries separated by spaces."
  type        = string
}

variable "db_user" {
  description = "Database user."
  type        = string
}

variable "db_password" {
  description = "Database password; stored in the Vault secret the instances read, never output."
  type        = string
  sensitive   = true
}

variable "adb_admin_password" {
  description = "ADMIN password of the Autonomous Database (12-30 characters, upper, lower and a digit); stored in Vault, never output."
  type        = string
  sensitive   = true
}

variable "adb_backup_retention_days" {
  description = "How many days of automatic backups the Autonomous Database keeps: the point-in-time restore window (1-60)."
  type        = number
  default     = 35
}

variable "app_port" {
  description = "Port the app listens on."
  type        = number
  default     = 8080
}

locals {
  fault_domains = ["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3"]
  health_check = {
    url_path    = "/api/health"
    return_code = 200
    interval_ms = 10000
    timeout_ms  = 3000
    retries     = 3
  }
  cloud_init = templatefile("${path.module}/cloud-init.yaml.tftpl", {
    jar_url             = var.jar_url
    app_port            = var.app_port
    db_endpoints        = var.db_endpoints
    db_user             = var.db_user
    db_secret_id         = oci_vault_secret.db.id
    drain_delay_seconds  = var.drain_delay_seconds
    stop_timeout_seconds = var.drain_delay_seconds + 30
  })
}

resource "oci_core_instance_configuration" "app" {
  compartment_id = var.compartment_id
  display_name   = "hadr4j-reference-app"

  instance_details {
    instance_type = "compute"

    launch_details {
      compartment_id = var.compartment_id
      shape          = var.shape

      shape_config {
        ocpus         = 1
        memory_in_gbs = 8
      }

      create_vnic_details {
        subnet_id        = var.app_subnet_id
        assign_public_ip = false
      }

      source_details {
        source_type = "image"
        image_id    = var.image_id
      }

      metadata = {
        user_data = base64encode(local.cloud_init)
      }
    }

    # A data volume per instance, backed up by the policy below.
    block_volumes {
      create_details {
        compartment_id   = var.compartment_id
        display_name     = "hadr4j-app-data"
        size_in_gbs      = 50
        backup_policy_id = oci_core_volume_backup_policy.app.id
      }
      attach_details {
        type = "paravirtualized"
      }
    }
  }
}

# Daily incremental backups kept 7 days, weekly full backups kept 4 weeks, for the instances' block volumes.
resource "oci_core_volume_backup_policy" "app" {
  compartment_id = var.compartment_id
  display_name   = "hadr4j-app-volumes"

  schedules {
    backup_type       = "INCREMENTAL"
    period            = "ONE_DAY"
    hour_of_day       = 2
    retention_seconds = 604800
    time_zone         = "UTC"
  }

  schedules {
    backup_type       = "FULL"
    period            = "ONE_WEEK"
    day_of_week       = "SUNDAY"
    hour_of_day       = 3
    retention_seconds = 2419200
    time_zone         = "UTC"
  }
}

resource "oci_load_balancer_load_balancer" "app" {
  compartment_id = var.compartment_id
  display_name   = "hadr4j-reference-app"
  shape          = "flexible"
  subnet_ids     = [var.lb_subnet_id]
  is_private     = false

  shape_details {
    minimum_bandwidth_in_mbps = 10
    maximum_bandwidth_in_mbps = 100
  }
}

resource "oci_load_balancer_backend_set" "app" {
  load_balancer_id = oci_load_balancer_load_balancer.app.id
  name             = "app"
  policy           = "ROUND_ROBIN"

  # The app's MicroProfile Health endpoint: 200 while ready, 503 while the database is unusable or the instance
  # drains. An instance is taken out after `retries` failed checks, `interval_ms` apart.
  health_checker {
    protocol          = "HTTP"
    port              = var.app_port
    url_path          = local.health_check.url_path
    return_code       = local.health_check.return_code
    interval_ms       = local.health_check.interval_ms
    timeout_in_millis = local.health_check.timeout_ms
    retries           = local.health_check.retries
  }
}

resource "oci_load_balancer_listener" "http" {
  load_balancer_id         = oci_load_balancer_load_balancer.app.id
  name                     = "http"
  default_backend_set_name = oci_load_balancer_backend_set.app.name
  port                     = 80
  protocol                 = "HTTP"
}

resource "oci_core_instance_pool" "app" {
  compartment_id            = var.compartment_id
  display_name              = "hadr4j-reference-app"
  instance_configuration_id = oci_core_instance_configuration.app.id
  size                      = var.instance_count

  # One placement over all three fault domains: the pool spreads its instances across them, so losing
  # one fault domain (one rack's power or hardware) leaves the others serving.
  placement_configurations {
    availability_domain = var.availability_domain
    fault_domains       = local.fault_domains
    primary_subnet_id   = var.app_subnet_id
  }

  load_balancers {
    load_balancer_id = oci_load_balancer_load_balancer.app.id
    backend_set_name = oci_load_balancer_backend_set.app.name
    port             = var.app_port
    vnic_selection   = "PrimaryVnic"
  }
}

# CPU-based autoscaling of the pool. A scale-in terminates an instance: its OS stops the `serve` service with
# SIGTERM, the app's readiness turns DOWN at once and it keeps serving for drain_delay_seconds, longer than the
# health checker's retries x interval + timeout, so the load balancer stops sending it work before it stops.
resource "oci_autoscaling_auto_scaling_configuration" "app" {
  compartment_id       = var.compartment_id
  display_name         = "hadr4j-reference-app"
  cool_down_in_seconds = 300
  is_enabled           = true

  auto_scaling_resources {
    id   = oci_core_instance_pool.app.id
    type = "instancePool"
  }

  policies {
    display_name = "cpu"
    policy_type  = "threshold"

    capacity {
      initial = var.instance_count
      min     = var.instance_count_min
      max     = var.instance_count_max
    }

    rules {
      display_name = "scale-out"
      action {
        type  = "CHANGE_COUNT_BY"
        value = 1
      }
      metric {
        metric_type = "CPU_UTILIZATION"
        threshold {
          operator = "GT"
          value    = var.scale_out_cpu_percent
        }
      }
    }

    rules {
      display_name = "scale-in"
      action {
        type  = "CHANGE_COUNT_BY"
        value = -1
      }
      metric {
        metric_type = "CPU_UTILIZATION"
        threshold {
          operator = "LT"
          value    = var.scale_in_cpu_percent
        }
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------------- Vault

resource "oci_kms_vault" "app" {
  compartment_id = var.compartment_id
  display_name   = "hadr4j-reference-app"
  vault_type     = "DEFAULT"
}

resource "oci_kms_key" "app" {
  compartment_id      = var.compartment_id
  display_name        = "hadr4j-secrets"
  management_endpoint = oci_kms_vault.app.management_endpoint

  key_shape {
    algorithm = "AES"
    length    = 32
  }
}

# The database credentials as hadr4j's VaultCredentials reads them: {"username": ..., "password": ...}.
resource "oci_vault_secret" "db" {
  compartment_id = var.compartment_id
  vault_id       = oci_kms_vault.app.id
  key_id         = oci_kms_key.app.id
  secret_name    = "hadr4j-db-credentials"

  secret_content {
    content_type = "BASE64"
    content      = base64encode(jsonencode({ username = var.db_user, password = var.db_password }))
  }
}

# The Autonomous Database's ADMIN password; restored copies get it too (AutonomousBackupConfig.adminPasswordSecretId).
resource "oci_vault_secret" "adb_admin" {
  compartment_id = var.compartment_id
  vault_id       = oci_kms_vault.app.id
  key_id         = oci_kms_key.app.id
  secret_name    = "hadr4j-adb-admin"

  secret_content {
    content_type = "BASE64"
    content      = base64encode(var.adb_admin_password)
  }
}

# The app's instances, by compartment, so that they can read the secret by instance principal.
resource "oci_identity_dynamic_group" "app" {
  compartment_id = var.tenancy_ocid
  name           = "hadr4j-reference-app"
  description    = "The hadr4j reference app's instances"
  matching_rule  = "ALL {instance.compartment.id = '${var.compartment_id}'}"
}

resource "oci_identity_policy" "app" {
  compartment_id = var.compartment_id
  name           = "hadr4j-reference-app"
  description    = "Lets the app's instances read their database credentials"
  statements = [
    "Allow dynamic-group ${oci_identity_dynamic_group.app.name} to read secret-bundles in compartment id ${var.compartment_id} where target.secret.id = '${oci_vault_secret.db.id}'",
  ]
}

# ---------------------------------------------------------------------------------------------------- Autonomous Database

resource "oci_database_autonomous_database" "app" {
  compartment_id                   = var.compartment_id
  display_name                     = "hadr4j-app"
  db_name                          = "hadr4japp"
  db_workload                      = "OLTP"
  compute_model                    = "ECPU"
  compute_count                    = 2
  data_storage_size_in_tbs         = 1
  secret_id                        = oci_vault_secret.adb_admin.id
  backup_retention_period_in_days  = var.adb_backup_retention_days
  is_auto_scaling_enabled          = true
}

# The cross-region Autonomous Data Guard standby (its own OCID, created through the standby region's endpoint).
resource "oci_database_autonomous_database" "standby" {
  provider       = oci.standby
  compartment_id = var.compartment_id
  display_name   = "hadr4j-app-standby"
  source         = "CROSS_REGION_DATAGUARD"
  source_id      = oci_database_autonomous_database.app.id
  db_name        = "hadr4japp"
}

output "entry_url" {
  description = "The load balancer's public URL."
  value       = "http://${oci_load_balancer_load_balancer.app.ip_address_details[0].ip_address}/"
}

output "db_secret_id" {
  description = "The Vault secret with the database credentials (VaultCredentials.custom().secretId(...))."
  value       = oci_vault_secret.db.id
}

output "autonomous_database_ids" {
  description = "The Autonomous Data Guard peers (AutonomousDataGuard.custom().peer(...) twice)."
  value       = { primary = oci_database_autonomous_database.app.id, standby = oci_database_autonomous_database.standby.id }
}
