"""`on:` in its three shapes, normalised to trigger strings."""

from __future__ import annotations

import pytest

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, single
from wizard.facts import Problem

WF = ".github/workflows/publish.yml"
JOBS = """jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/api:1
"""


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("on: push\n", ["push"]),
        ('"on": workflow_dispatch\n', ["workflow_dispatch"]),
        ("on: [push, pull_request_target]\n", ["push", "pull_request_target"]),
        (
            "on:\n  push:\n  workflow_dispatch:\n  schedule:\n    - cron: '0 3 * * *'\n",
            ["push", "workflow_dispatch", "schedule"],
        ),
        (
            "on:\n  push:\n    branches: [main, 'release/**']\n    tags: ['v*.*.*']\n"
            "    paths: [app/**]\n",
            ["push:branches=main,release/**", "push:tags=v*.*.*"],
        ),
        ("on:\n  push:\n    branches-ignore: gh-pages\n", ["push:branches-ignore=gh-pages"]),
        ("on:\n  release:\n    types: [published]\n", ["release:published"]),
        ("on:\n  pull_request:\n    types: [opened]\n    branches: [main]\n", ["pull_request"]),
        ("on:\n  workflow_call:\n  push:\n", ["workflow_call", "push"]),
    ],
)
def test_trigger_shapes(make_repo: RepoFactory, on: str, expected: list[str]) -> None:
    repo = make_repo({WF: f"name: publish\n{on}{JOBS}"})
    result, problems = scan(repo)
    assert problems == []
    assert single(result).triggers == expected


def test_workflow_only_callable_is_not_reported_alone(make_repo: RepoFactory) -> None:
    repo = make_repo({WF: f"on:\n  workflow_call:\n    inputs: {{}}\n{JOBS}"})
    result, problems = scan(repo)
    assert (result.publications, problems) == ([], [])
    assert result.workflows == [WF]


def test_missing_or_malformed_on_is_a_problem_and_the_jobs_still_count(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            ".github/workflows/a.yml": JOBS,
            ".github/workflows/b.yaml": f"on: {{}}\n{JOBS}",
            ".github/workflows/c.yml": f"on: [push, {{x: 1}}]\n{JOBS}",
            ".github/workflows/nested/d.yml": f"on: push\n{JOBS}",
            ".github/workflows/notes.txt": "docker push ghcr.io/acme/txt:1\n",
        }
    )
    result, problems = scan(repo)
    found = [(p.workflow, p.triggers) for p in result.publications]
    assert found == [
        (".github/workflows/a.yml", []),
        (".github/workflows/b.yaml", []),
        (".github/workflows/c.yml", ["push"]),
    ]
    assert problems == [
        Problem(".github/workflows/a.yml", 1, "workflow has no `on:` triggers"),
        Problem(".github/workflows/c.yml", 1, "`on:` lists something that is not an event name"),
    ]
