"""Publication parity reads each kind of run on its own: tag rules apply per event."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import RepoFactory
from wizard.gates.checks.runs import commit_style, written_on
from wizard.gates.engine import evaluate, load_spec
from wizard.scan.repository import scan_repository

ON_MAIN_AND_TAGS = 'push:\n    branches: [main]\n    tags: ["v*"]\n  pull_request:'


def image_workflow(on: str, tags: list[str], image: str = "ghcr.io/acme/widget") -> str:
    rules = "".join(f"            {t}\n" for t in tags)
    return f"""\
name: Image
on:
  {on}
jobs:
  image:
    runs-on: ubuntu-latest
    permissions: {{contents: read, packages: write, id-token: write}}
    steps:
      - uses: actions/checkout@v4
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: {image}
          tags: |
{rules}      - id: build
        uses: docker/build-push-action@v6
        with:
          context: .
          push: ${{{{ github.event_name != 'pull_request' }}}}
          tags: ${{{{ steps.meta.outputs.tags }}}}
"""


def pushed_at(workflow: str) -> str:
    """`path:line` of the pushing step of an `image_workflow` (its `uses:` line)."""
    line = workflow.splitlines().index("        uses: docker/build-push-action@v6") + 1
    return f".github/workflows/image.yml:{line}"


def plain_tag_workflow(on: str, tag: str) -> str:
    return f"""\
name: Plain
on:
  {on}
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          push: true
          tags: ghcr.io/acme/widget:{tag}
"""


Requirement = Callable[[str], tuple[str, str]]


@pytest.fixture
def parity(make_repo: RepoFactory) -> Callable[[dict[str, str]], Requirement]:
    """Publication-parity requirements of the Dockerfile image path for a set of workflows."""

    def evaluate_workflows(workflows: dict[str, str]) -> Requirement:
        files = {".release-gate.yaml": "artifact: widget\n", "Dockerfile": "FROM scratch\n"}
        files.update({f".github/workflows/{name}": text for name, text in workflows.items()})
        scan = scan_repository(make_repo(files))
        assert scan.config is not None and scan.authority.current == "dockerfile-image"
        (evaluation,) = evaluate(scan, scan.config, load_spec(scan.config), ("dockerfile-image",))
        gate = evaluation.gate("publication-parity")

        def requirement(req_id: str) -> tuple[str, str]:
            found = next(r for r in gate.requirements if r.id == req_id)
            return found.status, found.reason

        return requirement

    return evaluate_workflows


def test_one_workflow_for_branches_and_tags_keeps_ci_output_and_releases_apart(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    tags = ["type=ref,event=branch", "type=semver,pattern={{version}}", "type=sha"]
    workflow = image_workflow(ON_MAIN_AND_TAGS, tags)
    at = pushed_at(workflow)
    requirement = parity({"image.yml": workflow})
    assert requirement("intentional-trigger") == ("met", f"{at} publishes on push:tags=v*")
    assert requirement("versioned-publication") == (
        "met",
        f"{at} publishes type=semver,pattern={{{{version}}}}",
    )
    assert requirement("validation-distinct") == (
        "met",
        f"releases ({at}) publish versioned tags; branch builds ({at}) push "
        "type=ref,event=branch, type=sha",
    )


def test_latest_written_on_every_run_is_shared_by_branch_builds_and_releases(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    tags = ["type=ref,event=branch", "type=semver,pattern={{version}}", "type=raw,value=latest"]
    workflow = image_workflow(ON_MAIN_AND_TAGS, tags)
    requirement = parity({"image.yml": workflow})
    assert requirement("validation-distinct") == (
        "not-met",
        f"branch builds ({pushed_at(workflow)}) and releases both push type=raw,value=latest",
    )


def test_latest_pushed_by_a_branch_workflow_and_a_release_workflow_is_shared(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    requirement = parity(
        {
            "main.yml": plain_tag_workflow("push:\n    branches: [main]", "latest"),
            "release.yml": image_workflow(
                'push:\n    tags: ["v*"]', ["type=semver,pattern={{version}}", "latest"]
            ),
        }
    )
    status, reason = requirement("validation-distinct")
    assert status == "not-met" and reason.endswith("and releases both push latest")


def test_latest_only_on_the_default_branch_is_ci_output(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    tags = ["type=semver,pattern={{version}}", "type=raw,value=latest,enable={{is_default_branch}}"]
    requirement = parity({"image.yml": image_workflow(ON_MAIN_AND_TAGS, tags)})
    status, reason = requirement("validation-distinct")
    assert status == "met"
    assert reason.endswith("push type=raw,value=latest,enable={{is_default_branch}}")


def test_a_tag_push_that_writes_no_tag_is_not_a_release_trigger(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    workflow = image_workflow(ON_MAIN_AND_TAGS, ["type=ref,event=branch"])
    requirement = parity({"image.yml": workflow})
    assert requirement("intentional-trigger") == (
        "not-met",
        f"{pushed_at(workflow)} is started by push:tags=v* but none of its tags "
        "(type=ref,event=branch) is written on that run, so it publishes nothing then",
    )


def test_version_rules_do_not_apply_to_runs_on_the_default_branch(
    parity: Callable[[dict[str, str]], Requirement],
) -> None:
    on = "repository_dispatch:\n    types: [release]"
    workflow = image_workflow(on, ["type=semver,pattern={{version}}"])
    requirement = parity({"image.yml": workflow})
    assert requirement("versioned-publication") == (
        "not-met",
        f"{pushed_at(workflow)} writes type=semver,pattern={{{{version}}}} only on a git tag, but "
        "its release runs (repository_dispatch) run on a branch",
    )


@pytest.mark.parametrize(
    ("tag", "on_branch", "on_tag", "per_commit"),
    [
        ("type=ref,event=branch", True, False, True),
        ("type=ref,event=tag", False, True, False),
        ("type=ref,event=pr", False, False, True),
        ("type=semver,pattern={{version}}", False, True, False),
        ("type=semver,pattern={{version}},value=${{ inputs.version }}", True, True, False),
        ("type=edge", True, False, True),
        ("type=sha", True, True, True),
        ("type=raw,value=latest", True, True, False),
        ("type=raw,value=latest,enable=false", False, False, False),
        ("type=raw,value=${{ github.sha }}", True, True, True),
        ("latest", True, True, False),
        ("${{ github.sha }}", True, True, True),
        ("${{ github.event.release.tag_name }}", False, True, False),
    ],
)
def test_tag_rules_per_kind_of_run(
    tag: str, on_branch: bool, on_tag: bool, per_commit: bool
) -> None:
    assert written_on(tag, "branch") is on_branch
    assert written_on(tag, "tag") is on_tag
    assert commit_style(tag) is per_commit
