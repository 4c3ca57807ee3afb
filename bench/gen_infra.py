"""Generated infrastructure: the flake, CODEOWNERS and the OpenTofu stacks and modules."""

from __future__ import annotations

import random

from gen_workflows import FLAKE_TOOLS
from vocab import ARTIFACT_IMAGE, TEAMS, Service, hex_digest

Files = dict[str, str]

MODULES = 60
STAGING_STACKS = ("runner-dashboard-staging", "runner-dashboard-canary")
"""Stacks that deploy the seed's image too, so the stack scanner has more than one to read."""


def flake_nix() -> str:
    """The seed's flake (derivation + nix2container image) plus tool packages and a docs image."""
    tools = "\n".join(
        f"        tool{i} = pkgs.writeShellApplication {{ name = \"tool-{i}\"; "
        f"text = builtins.readFile ./tools/tool-{i}/main.sh; }};"
        for i in range(FLAKE_TOOLS)
    )
    tool_packages = "\n".join(f"        packages.tool-{i} = tool{i};" for i in range(FLAKE_TOOLS))
    return f"""{{
  description = "Acme monorepo with the GloriousFlywheel runner dashboard";

  inputs = {{
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    flake-utils.url = "github:numtide/flake-utils";
    nix2container.url = "github:nlewo/nix2container";
  }};

  outputs = {{ self, nixpkgs, flake-utils, nix2container }}:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = import nixpkgs {{ inherit system; }};
        n2c = nix2container.packages.${{system}}.nix2container;

        runnerDashboard = pkgs.buildNpmPackage {{
          pname = "runner-dashboard";
          version = "1.4.2";
          src = ./app;
          npmDepsHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        }};

        runnerDashboardImage = n2c.buildImage {{
          name = "ghcr.io/tinyland-inc/runner-dashboard";
          tag = "nix";
          copyToRoot = [ runnerDashboard ];
          config.Cmd = [ "${{runnerDashboard}}/bin/runner-dashboard" ];
        }};

        docsSite = pkgs.stdenvNoCC.mkDerivation {{
          name = "docs-site";
          src = ./docs;
          installPhase = "cp -r . $out";
        }};

        docsSiteImage = pkgs.dockerTools.buildLayeredImage {{
          name = "ghcr.io/acme/docs-site";
          contents = [ pkgs.caddy docsSite ];
          config.Cmd = [ "caddy" "file-server" "--root" "${{docsSite}}" ];
        }};

{tools}
      in
      {{
        packages.runner-dashboard = runnerDashboard;
        packages.runner-dashboard-image = runnerDashboardImage;
        packages.default = runnerDashboard;
        packages.docs-site = docsSite;
        packages.docs-site-image = docsSiteImage;
{tool_packages}

        devShells.default = pkgs.mkShell {{
          packages = [ pkgs.nodejs_22 pkgs.opentofu pkgs.go pkgs.python312 ];
        }};
      }});
}}
"""


def codeowners(services: list[Service]) -> str:
    lines = [
        "# Default owners for everything in the repository.",
        "*                       @tinyland-inc/maintainers",
        "",
        "# Release and deployment surfaces.",
        "/.github/workflows/     @tinyland-inc/platform",
        "/.github/actions/       @tinyland-inc/platform",
        "/app/                   @tinyland-inc/dashboard",
        "/tofu/                  @tinyland-inc/platform",
        "/flake.nix              @tinyland-inc/nix",
        "",
        "# Services.",
    ]
    lines += [f"/{s.directory}/ @acme/{s.name.split('-', 1)[0]}" for s in services]
    lines += ["", "# Docs.", "/docs/ @acme/tech-writers"]
    lines += [f"/docs/{team}/ @acme/{team} @acme/tech-writers" for team in TEAMS]
    return "\n".join(lines) + "\n"


def _module(index: int) -> Files:
    name = f"tofu/modules/app-{index}"
    image = index % 2 == 0
    variables = ['variable "name" {', "  type = string", "}", "",
                 'variable "namespace" {', "  type    = string", '  default = "default"', "}", ""]
    if image:
        variables += ['variable "image" {', "  type        = string",
                      '  description = "Container image reference"', "}", ""]
    variables += ['variable "replicas" {', "  type    = number", "  default = 1", "}"]
    container = "image = var.image" if image else 'image = "nginx:1.27"'
    main = f"""resource "kubernetes_deployment" "app" {{
  metadata {{
    name      = var.name
    namespace = var.namespace
  }}

  spec {{
    replicas = var.replicas

    template {{
      metadata {{
        labels = {{ app = var.name }}
      }}

      spec {{
        container {{
          name  = var.name
          {container}
        }}
      }}
    }}
  }}
}}
"""
    outputs = 'output "name" {\n  value = kubernetes_deployment.app.metadata[0].name\n}\n'
    return {f"{name}/variables.tf": "\n".join(variables) + "\n", f"{name}/main.tf": main,
            f"{name}/outputs.tf": outputs}


def _stack(rng: random.Random, name: str, image: str, module: int) -> Files:
    directory = f"tofu/stacks/{name}"
    roll = rng.random()
    if roll < 0.4:
        default = f'  default     = "{image}@sha256:{hex_digest(rng)}"\n'
    elif roll < 0.7:
        default = f'  default     = "{image}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.0"\n'
    else:
        default = ""
    module_name = module - module % 2  # even modules take an image input
    return {
        f"{directory}/main.tf": f"""module "app" {{
  source = "../../modules/app-{module_name}"

  name      = "{name}"
  namespace = var.namespace
  image     = var.image
  replicas  = {rng.randint(1, 5)}
}}
""",
        f"{directory}/variables.tf": f"""variable "image" {{
  description = "Image to deploy"
  type        = string
{default}}}

variable "namespace" {{
  type    = string
  default = "{name}"
}}
""",
        f"{directory}/outputs.tf": 'output "deployment" {\n  value = module.app.name\n}\n',
        f"{directory}/versions.tf": """terraform {
  required_version = ">= 1.6.0"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.31"
    }
  }
}
""",
    }


def generate_stacks(seed: int, services: list[Service], tf_files: int) -> Files:
    """Exactly `tf_files` `.tf` files: modules, then stacks (the last one possibly partial),
    plus a tfvars example for some stacks."""
    rng = random.Random(f"{seed}:stacks")
    files: Files = {}
    for index in range(MODULES):
        files.update(_module(index))
    stacks = [(name, ARTIFACT_IMAGE) for name in STAGING_STACKS]
    stacks += [(f"{s.name}-{env}", s.image) for env in ("prod", "staging") for s in services]
    for name, image in stacks:
        stack = _stack(rng, name, image, rng.randrange(MODULES))
        room = tf_files - sum(path.endswith(".tf") for path in files)
        if room <= 0:
            break
        files.update(dict(list(stack.items())[:room]))
        if rng.random() < 0.2:
            files[f"tofu/stacks/{name}/terraform.tfvars.example"] = f'image = "{image}:latest"\n'
    return files
