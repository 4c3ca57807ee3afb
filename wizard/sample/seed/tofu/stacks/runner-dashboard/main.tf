terraform {
  required_version = ">= 1.6.0"
}

module "dashboard" {
  source = "../../modules/k8s-app"

  name      = "runner-dashboard"
  namespace = var.namespace
  image     = var.image
  replicas  = 2
}
