"""What the scanner cannot see is reported, not passed over in silence: remote reusable workflows
and unknown actions whose names suggest publishing."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.facts import Problem

WF = ".github/workflows/release.yml"


def test_a_remote_reusable_workflow_is_a_problem_not_a_publication(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  image:
    uses: acme/shared-workflows/.github/workflows/publish-image.yml@v3
    with:
      image: ghcr.io/acme/api
  provenance:
    needs: image
    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v2.0.0
  local:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/api:1
"""
            )
        }
    )
    result, problems = scan(repo)
    assert [(p.job, p.image) for p in result.publications] == [("local", "ghcr.io/acme/api")]
    assert problems == [
        Problem(
            WF, 5,
            "`acme/shared-workflows/.github/workflows/publish-image.yml@v3` not followed: remote "
            "reusable workflow; publications inside it are not seen",
        )
    ]


def test_unknown_actions_named_like_publishing_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: redhat-actions/push-to-registry@v2
        with:
          image: api
      - uses: Acme/Publish-Image@main
      - uses: docker/bake-action@v6
        with:
          push: true
      - uses: ./.github/actions/upload
      - uses: actions/upload-artifact@v4
      - uses: actions/upload-pages-artifact@v3
      - uses: actions/deploy-pages@v4
      - uses: github/codeql-action/upload-sarif@v3
      - uses: softprops/action-gh-release@v2
      - uses: release-drafter/release-drafter@v6
      - uses: docker/login-action@v3
      - uses: actions/checkout@v4
""",
            ),
            ".github/actions/upload/action.yml": "runs:\n  using: node20\n  main: index.js\n",
        }
    )
    result, problems = scan(repo)
    assert result.publications == []
    unseen = "publications inside it are not seen"
    assert problems == [
        Problem(
            WF, 7,
            f"`redhat-actions/push-to-registry` not followed: unknown action whose name suggests "
            f"publishing; {unseen}",
        ),
        Problem(
            WF, 10,
            f"`acme/publish-image` not followed: unknown action whose name suggests publishing; "
            f"{unseen}",
        ),
        Problem(
            WF, 11,
            f"`docker/bake-action` not followed: an action that can push images or store paths "
            f"in ways not read here; {unseen}",
        ),
    ]
