variable "image" {
  description = "Container image reference for the runner dashboard, e.g. ghcr.io/tinyland-inc/runner-dashboard:v1.4.2"
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace to deploy into"
  type        = string
  default     = "runner-dashboard"
}
