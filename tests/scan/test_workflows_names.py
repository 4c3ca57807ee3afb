"""Image names as registries see them: `github.repository` and its parts resolved from the origin
remote, lower case; a name only known at run time is a problem, once per publication."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.facts import Problem
from wizard.scan.repository import scan_repository

WF = ".github/workflows/publish.yml"
# GitHub's starter workflow for publishing a Docker image (abridged).
STARTER = """env:
  REGISTRY: ghcr.io
  IMAGE_NAME: ${{ github.repository }}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}
      - uses: docker/build-push-action@v6
        with:
          context: .
          push: ${{ github.event_name != 'pull_request' }}
          tags: ${{ steps.meta.outputs.tags }}
"""


def _with_origin(repo: Path, url: str) -> Path:
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", url], check=True)
    return repo


def test_github_repository_resolves_from_the_origin_remote_in_lower_case(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                STARTER
                + """      - run: |
          docker push "ghcr.io/$GITHUB_REPOSITORY_OWNER/tools:1"
          docker push "ghcr.io/${{ github.repository_owner }}/${{ github.event.repository.name }}-cli:1"
""",
            )
        }
    )
    _with_origin(repo, "git@github.com:Acme/Runner-Dashboard.git")
    result, problems = scan(repo)
    assert problems == []
    found = [(p.image, p.image_resolved, p.registry) for p in result.publications]
    assert found == [
        ("${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}", "ghcr.io/acme/runner-dashboard", "ghcr.io"),
        ("ghcr.io/$GITHUB_REPOSITORY_OWNER/tools", "ghcr.io/acme/tools", "ghcr.io"),
        (
            "ghcr.io/${{ github.repository_owner }}/${{ github.event.repository.name }}-cli",
            "ghcr.io/acme/runner-dashboard-cli",
            "ghcr.io",
        ),
    ]


def test_the_starter_workflow_publishes_the_artifact(make_repo: RepoFactory) -> None:
    repo = _with_origin(
        make_repo({WF: workflow(STARTER), "Dockerfile": "FROM scratch\n"}),
        "https://github.com/Acme/Runner-Dashboard.git",
    )
    result = scan_repository(repo)
    assert result.artifact == "runner-dashboard"
    assert [(p.image_resolved, p.artifact_match) for p in result.publications] == [
        ("ghcr.io/acme/runner-dashboard", True)
    ]


def test_a_name_only_known_at_run_time_is_a_problem_per_publication(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                STARTER
                + """  other:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker push "ghcr.io/acme/$(cat name.txt):1"
          docker push ghcr.io/acme/fixed:1
          docker push "${{ steps.plan.outputs.image }}:1"
""",
            )
        }
    )
    # No origin on github.com: `github.repository` stays unknown too.
    result, problems = scan(repo)
    assert len(result.publications) == 4
    advice = "set artifact.images in .release-gate.yaml to match it"
    assert problems == [
        Problem(
            WF, 14,
            "job `build` pushes an image whose name is only known at run time "
            f"(`ghcr.io/${{{{ github.repository }}}}`); {advice}",
        ),
        Problem(
            WF, 23,
            "job `other` pushes an image whose name is only known at run time "
            f"(`ghcr.io/acme/$(cat name.txt)`); {advice}",
        ),
        Problem(
            WF, 25,
            "job `other` pushes an image whose name is only known at run time "
            f"(`${{{{ steps.plan.outputs.image }}}}`); {advice}",
        ),
    ]
