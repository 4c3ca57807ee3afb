from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.config import Config
from wizard.facts import Deployment, DeploymentConsumer, DeploymentValue
from wizard.scan.tofu import is_image_name, scan_stacks

DIGEST = "0123456789abcdef" * 4
COMMIT = "0123456789abcdef0123456789abcdef01234567"

K8S_MODULE = """variable "name" {
  type = string
}

variable "image" {
  type = string
}

resource "kubernetes_deployment" "app" {
  metadata {
    name = var.name
  }
  spec {
    template {
      spec {
        container {
          name  = var.name
          image = var.image
        }
      }
    }
  }
}
"""


def _stack(name: str, image_value: str, *, default: str | None = None) -> dict[str, str]:
    default_line = f'  default = "{default}"\n' if default else ""
    return {
        f"infra/stacks/{name}/main.tf": (
            'module "app" {\n'
            '  source = "../../modules/k8s"\n'
            f'  name   = "{name}"\n'
            "  image  = var.image\n"
            "}\n"
        ),
        f"infra/stacks/{name}/variables.tf": (
            'variable "image" {\n  type = string\n' + default_line + "}\n"
        ),
        f"infra/stacks/{name}/terraform.tfvars": f'image = "{image_value}"\n',
    }


def test_seed_stack(seed_repo: Path) -> None:
    ctx = context_for(seed_repo)
    deployments = scan_stacks(ctx, "runner-dashboard", ["ghcr.io/tinyland-inc/runner-dashboard"])
    stack = "tofu/stacks/runner-dashboard"
    assert deployments == [Deployment(
        path=stack,
        file=f"{stack}/variables.tf",
        line=1,
        variable="image",
        type="string",
        default=None,
        digest_pinned=False,
        consumers=[
            DeploymentConsumer(f"{stack}/main.tf", 10, "module.dashboard.image", "var.image"),
            DeploymentConsumer(
                "tofu/modules/k8s-app/main.tf", 35,
                "module.dashboard.kubernetes_deployment.app.spec.template.spec.container.image",
                "var.image",
            ),
        ],
        values=[DeploymentValue(f"{stack}/terraform.tfvars.example", 1,
                                "ghcr.io/tinyland-inc/runner-dashboard:v1.4.2", False)],
    )]
    assert ctx.problems == []


def test_digest_pinned_value_versus_commit_tag(make_repo: RepoFactory) -> None:
    files = {"infra/modules/k8s/main.tf": K8S_MODULE}
    files.update(_stack("web", f"ghcr.io/acme/web@sha256:{DIGEST}"))
    files.update(_stack("worker", f"ghcr.io/acme/worker:{COMMIT}"))
    files.update(_stack("cron", "ghcr.io/acme/cron:1.0",
                        default=f"ghcr.io/acme/cron@sha256:{DIGEST}"))
    repo = make_repo(files)
    deployments = scan_stacks(context_for(repo), None, [])
    assert [(d.path, d.digest_pinned) for d in deployments] == [
        ("infra/stacks/cron", True), ("infra/stacks/web", True), ("infra/stacks/worker", False),
    ]
    cron = deployments[0]
    assert cron.default == f"ghcr.io/acme/cron@sha256:{DIGEST}"
    assert [(v.value, v.digest_pinned) for v in cron.values] == [("ghcr.io/acme/cron:1.0", False)]
    # The module directory is called by the stacks, so it is never a stack itself.
    assert all(not d.path.startswith("infra/modules") for d in deployments)


def test_short_or_uppercase_digests_are_not_pins(make_repo: RepoFactory) -> None:
    files = {"infra/modules/k8s/main.tf": K8S_MODULE}
    files.update(_stack("a", "ghcr.io/acme/a@sha256:" + DIGEST[:63]))
    files.update(_stack("b", "ghcr.io/acme/b@sha256:" + DIGEST.upper()))
    repo = make_repo(files)
    assert [d.digest_pinned for d in scan_stacks(context_for(repo), None, [])] == [False, False]


def test_other_service_stack_is_ignored(make_repo: RepoFactory) -> None:
    files = {"infra/modules/k8s/main.tf": K8S_MODULE}
    files.update(_stack("runner-dashboard", "ghcr.io/acme/runner-dashboard:1.0"))
    files.update(_stack("runner-dashboard-api", "ghcr.io/acme/runner-dashboard-api:1.0"))
    files.update(_stack("billing", "ghcr.io/acme/billing:2.0"))
    repo = make_repo(files)
    ctx = context_for(repo)
    by_name = scan_stacks(ctx, "runner-dashboard", [])
    assert [d.path for d in by_name] == ["infra/stacks/runner-dashboard"]
    by_image = scan_stacks(ctx, "dash", ["ghcr.io/acme/billing"])
    assert [d.path for d in by_image] == ["infra/stacks/billing"]


def test_configured_stack_paths_keep_every_stack(make_repo: RepoFactory) -> None:
    files = {"infra/modules/k8s/main.tf": K8S_MODULE}
    files.update(_stack("billing", "ghcr.io/acme/billing:2.0"))
    files.update({"other/stacks/x/main.tf": 'variable "image" {}\n'})
    repo = make_repo(files)
    ctx = context_for(repo, Config(stack_paths=["infra/stacks"]))
    deployments = scan_stacks(ctx, "runner-dashboard", [])
    assert [(d.path, d.variable) for d in deployments] == [("infra/stacks/billing", "image")]
    # The called module lies outside the configured paths and is still followed.
    assert [c.file for c in deployments[0].consumers] == [
        "infra/stacks/billing/main.tf", "infra/modules/k8s/main.tf",
    ]


def test_hcl_syntax_error_is_a_problem_and_other_stacks_are_scanned(make_repo: RepoFactory) -> None:
    files = {"infra/modules/k8s/main.tf": K8S_MODULE}
    files.update(_stack("web", "ghcr.io/acme/web:1"))
    files["infra/stacks/broken/main.tf"] = (
        'variable "image" {\n'
        "  type = string\n"
        '  default = "ghcr.io/acme/broken\n'
        "}\n"
    )
    repo = make_repo(files)
    ctx = context_for(repo)
    deployments = scan_stacks(ctx, None, [])
    assert [d.path for d in deployments] == ["infra/stacks/web"]
    assert len(ctx.problems) == 1
    problem = ctx.problems[0]
    assert (problem.path, problem.line) == ("infra/stacks/broken/main.tf", 3)
    assert problem.message == (
        "HCL syntax error at column 14: the file ends before the block or expression is closed"
    )


def test_tfvars_json_and_auto_tfvars_values(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "deploy/main.tf": (
            'variable "app_image" {\n'
            "  type = object({\n    repository = string\n    tag = string\n  })\n"
            "}\n"
            'resource "docker_container" "app" {\n'
            '  name  = "app"\n'
            '  image = "${var.app_image.repository}:${var.app_image.tag}"\n'
            "}\n"
        ),
        "deploy/prod.tfvars.json": (
            "{\n"
            '  "region": "eu",\n'
            '  "app_image": {\n'
            f'    "repository": "ghcr.io/acme/app@sha256:{DIGEST}",\n'
            '    "tag": "1"\n'
            "  }\n"
            "}\n"
        ),
        "deploy/staging.auto.tfvars": (
            'app_image = { repository = "ghcr.io/acme/app", tag = "2" }\n'
        ),
        "deploy/unrelated.tfvars": 'region = "us"\n',
    })
    ctx = context_for(repo)
    [deployment] = scan_stacks(ctx, "app", [])
    assert (deployment.path, deployment.variable, deployment.line) == ("deploy", "app_image", 1)
    assert deployment.type == "object({\n    repository = string\n    tag = string\n  })"
    assert deployment.consumers == [DeploymentConsumer(
        "deploy/main.tf", 9, "docker_container.app.image",
        '"${var.app_image.repository}:${var.app_image.tag}"',
    )]
    assert [(v.file, v.line, v.digest_pinned) for v in deployment.values] == [
        ("deploy/prod.tfvars.json", 3, True),
        ("deploy/staging.auto.tfvars", 1, False),
    ]
    assert deployment.values[0].value == (
        f'{{"repository": "ghcr.io/acme/app@sha256:{DIGEST}", "tag": "1"}}'
    )
    assert deployment.digest_pinned is True
    assert ctx.problems == []


def test_invalid_tfvars_json_is_a_problem(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "deploy/main.tf": 'variable "image" {}\nresource "x" "y" { image = var.image }\n',
        "deploy/terraform.tfvars.json": '{\n  "image": "ghcr.io/a/b:1",\n}\n',
    })
    ctx = context_for(repo)
    [deployment] = scan_stacks(ctx, None, [])
    assert deployment.values == []
    assert [(p.path, p.line, p.message) for p in ctx.problems] == [
        ("deploy/terraform.tfvars.json", 3,
         "invalid JSON: Expecting property name enclosed in double quotes"),
    ]


def test_variable_passed_to_image_input_under_another_name(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "stacks/dashboard/main.tf": (
            "locals {\n"
            '  reference = "${var.registry}/dashboard:${var.release}"\n'
            "}\n"
            'module "dashboard" {\n'
            '  source = "../../modules/app"\n'
            "  image  = local.reference\n"
            "}\n"
        ),
        "stacks/dashboard/inputs.tf": (
            'variable "registry" {\n  default = "ghcr.io/acme"\n}\n'
            'variable "release" {\n  type = string\n}\n'
            'variable "replicas" {\n  default = 2\n}\n'
        ),
        "modules/app/main.tf": (
            'variable "image" {}\n'
            'resource "helm_release" "app" {\n'
            "  set {\n"
            '    name  = "image.repository"\n'
            "    value = var.image\n"
            "  }\n"
            "}\n"
        ),
    })
    deployments = scan_stacks(context_for(repo), "dashboard", [])
    assert [(d.variable, d.file, d.line, d.default) for d in deployments] == [
        ("registry", "stacks/dashboard/inputs.tf", 1, "ghcr.io/acme"),
        ("release", "stacks/dashboard/inputs.tf", 4, None),
    ]
    assert [(c.file, c.line, c.target, c.expression) for c in deployments[1].consumers] == [
        ("stacks/dashboard/main.tf", 6, "module.dashboard.image", "local.reference"),
        ("modules/app/main.tf", 5, "module.dashboard.helm_release.app.set.value", "var.image"),
    ]


def test_literal_module_argument_is_a_value_of_the_module_input(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "infra/modules/k8s/main.tf": K8S_MODULE,
        "infra/live/dashboard/main.tf": (
            'module "dashboard" {\n'
            '  source = "../../modules/k8s"\n'
            '  name   = "dashboard"\n'
            f'  image  = "ghcr.io/acme/dashboard@sha256:{DIGEST}"\n'
            "}\n"
        ),
    })
    [deployment] = scan_stacks(context_for(repo), None, ["ghcr.io/acme/dashboard"])
    assert deployment == Deployment(
        path="infra/live/dashboard",
        file="infra/modules/k8s/main.tf",
        line=5,
        variable="image",
        type="string",
        default=None,
        digest_pinned=True,
        consumers=[
            DeploymentConsumer("infra/live/dashboard/main.tf", 4, "module.dashboard.image",
                               f'"ghcr.io/acme/dashboard@sha256:{DIGEST}"'),
            DeploymentConsumer(
                "infra/modules/k8s/main.tf", 18,
                "module.dashboard.kubernetes_deployment.app.spec.template.spec.container.image",
                "var.image",
            ),
        ],
        values=[DeploymentValue("infra/live/dashboard/main.tf", 4,
                                f"ghcr.io/acme/dashboard@sha256:{DIGEST}", True)],
    )


def test_literal_held_in_a_local_is_reported_where_it_is_written(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "infra/modules/k8s/main.tf": K8S_MODULE,
        "infra/live/web/locals.tf": (
            "locals {\n"
            "  release = local.pinned\n"
            f'  pinned  = "ghcr.io/acme/web@sha256:{DIGEST}"\n'
            "}\n"
        ),
        "infra/live/web/main.tf": (
            'module "web" {\n'
            '  source = "../../modules/k8s"\n'
            '  name   = "web"\n'
            "  image  = local.release\n"
            "}\n"
        ),
    })
    [deployment] = scan_stacks(context_for(repo), "web", [])
    assert (deployment.file, deployment.line, deployment.variable) == (
        "infra/modules/k8s/main.tf", 5, "image")
    assert deployment.values == [DeploymentValue(
        "infra/live/web/locals.tf", 3, f"ghcr.io/acme/web@sha256:{DIGEST}", True)]
    assert deployment.digest_pinned is True
    assert [(c.file, c.line, c.expression) for c in deployment.consumers] == [
        ("infra/live/web/main.tf", 4, "local.release"),
        ("infra/modules/k8s/main.tf", 18, "var.image"),
    ]


def test_files_without_image_are_not_parsed(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "net/main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = \n}\n',
        "app/main.tf": 'variable "image" {}\nresource "x" "y" { image = var.image }\n',
        ".terraform/modules/x/main.tf": 'variable "image" {}\n',
    })
    ctx = context_for(repo)
    assert [d.path for d in scan_stacks(ctx, None, [])] == ["app"]
    # The broken net/main.tf never mentions an image, so it is not parsed (and not a problem).
    assert ctx.problems == []


def test_unreadable_and_deeply_nested_files_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "app/main.tf": 'variable "image" {}\nresource "x" "y" { image = var.image }\n',
        "deep/main.tf": 'variable "image" {\n  default = ' + "[" * 2000 + "]" * 2000 + "\n}\n",
    })
    (repo / "app" / "link.tf").symlink_to("/etc/hostname")
    ctx = context_for(repo)
    assert [d.path for d in scan_stacks(ctx, None, [])] == ["app"]
    assert sorted((p.path, p.message) for p in ctx.problems) == [
        ("app/link.tf", "symlink leads outside the repository; not read"),
        ("deep/main.tf", "HCL nesting is too deep for the parser; not read"),
    ]


def test_image_names() -> None:
    assert [n for n in ("image", "app_image", "image_ref", "containerImage", "image_pull_policy",
                        "imagePullPolicy", "imagery", "name") if is_image_name(n)] == [
        "image", "app_image", "image_ref", "containerImage",
    ]


_HCL_TOKENS = [
    "variable", "module", "resource", "locals", '"image"', '"x"', "{", "}", "=", "var.image",
    "local.a", '"ghcr.io/a/b:1"', '"${var.image}"', "[", "]", "(", ")", ",", "for", "in", ":",
    "?", "<<EOT\n", "EOT\n", "# c\n", "/*", "*/", "1.5", "null", "true", ".", "*", "source",
    '"../m"', "\n", "image", "%{", "~", "\\",
]


def test_arbitrary_hcl_never_raises(make_repo: RepoFactory) -> None:
    repo = make_repo({"stack/main.tf": "", "m/main.tf": 'variable "image" {}\n'})
    ctx = context_for(repo)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(_HCL_TOKENS), max_size=60))
    def check(tokens: list[str]) -> None:
        (repo / "stack" / "main.tf").write_text(" ".join(tokens) + "\n")
        ctx.problems.clear()
        for deployment in scan_stacks(ctx, None, []):
            assert deployment.path in ("stack", "m")
        assert all(p.message.startswith("HCL ") for p in ctx.problems)

    check()
