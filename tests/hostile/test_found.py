"""Robustness bugs the hostile corpus found, one focused test each."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.facts import Problem
from wizard.scan.docs import DocTerms, scan_docs
from wizard.scan.tofu import scan_stacks

IMAGE = "ghcr.io/acme/dashboard"
UTF16 = "encoded as UTF-16; only UTF-8 files are read"


def test_utf16_docs_and_stack_files_are_problems_not_skipped(make_repo: RepoFactory) -> None:
    # The byte pre-filters looked for ASCII terms, which UTF-16 text never contains.
    repo = make_repo({"tofu/stacks/dashboard/main.tf": 'variable "image" {}\n'})
    (repo / "docs").mkdir()
    (repo / "docs/release.md").write_bytes(f"# dashboard\n\n`{IMAGE}:1`\n".encode("utf-16"))
    (repo / "tofu/stacks/dashboard/values.tf").write_bytes(
        'variable "app_image" {\n  default = "x"\n}\n'.encode("utf-16")
    )
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, DocTerms(artifact="dashboard", images=[IMAGE]))
    deployments = scan_stacks(ctx, "dashboard", [IMAGE])
    assert mentions == []
    assert [(d.file, d.variable) for d in deployments] == [
        ("tofu/stacks/dashboard/main.tf", "image")
    ]
    assert sorted(ctx.problems, key=lambda p: p.path) == [
        Problem("docs/release.md", None, UTF16),
        Problem("tofu/stacks/dashboard/values.tf", None, UTF16),
    ]
