# hadr4j reference app on OCI: an instance pool spread over the three fault domains of one availability
# domain, behind a flexible load balancer whose health checker probes /api/health.
#
#   terraform init && terraform apply -var-file=my.tfvars
#
# The instances download the reference-app jar and run `serve`; the database endpoints and credentials come
# from variables (use OCI Vault for the password in production: it is marked sensitive here and never output).

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

variable "region" {
  description = "OCI region, for example ap-mumbai-1."
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
  description = "Instances in the pool; three or more puts one in each fault domain."
  type        = number
  default     = 3
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
  description = "Database password; passed to the instances in their metadata, never output."
  type        = string
  sensitive   = true
}

variable "app_port" {
  description = "Port the app listens on."
  type        = number
  default     = 8080
}

locals {
  fault_domains = ["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3"]
  cloud_init = templatefile("${path.module}/cloud-init.yaml.tftpl", {
    jar_url      = var.jar_url
    region       = var.region
    app_port     = var.app_port
    db_endpoints = var.db_endpoints
    db_user      = var.db_user
    db_password  = var.db_password
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

  health_checker {
    protocol          = "HTTP"
    port              = var.app_port
    url_path          = "/api/health"
    return_code       = 200
    interval_ms       = 10000
    timeout_in_millis = 3000
    retries           = 3
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

output "entry_url" {
  description = "The load balancer's public URL."
  value       = "http://${oci_load_balancer_load_balancer.app.ip_address_details[0].ip_address}/"
}
