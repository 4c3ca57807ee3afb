"""Helpers shared by the workflow scanner tests."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import context_for
from wizard.facts import Problem, Publication
from wizard.scan.workflows import WorkflowScan, scan_workflows


def scan(repo: Path) -> tuple[WorkflowScan, list[Problem]]:
    ctx = context_for(repo)
    return scan_workflows(ctx), ctx.problems


def single(result: WorkflowScan) -> Publication:
    assert len(result.publications) == 1, [
        (p.workflow, p.job, p.line, p.image) for p in result.publications
    ]
    return result.publications[0]


def workflow(body: str, on: str = "on: push\n") -> str:
    """A workflow file with `on:` first, then `body` (which starts with `jobs:` or `env:`)."""
    return f"name: test\n{on}{body}"
