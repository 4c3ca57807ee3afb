from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.facts import OwnerRule, Owners
from wizard.scan.owners import owner_of, scan_owners


def _blob(repo: Path, path: str) -> str:
    out = subprocess.run(["git", "rev-parse", f"HEAD:{path}"], cwd=repo, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_seed_codeowners_rules_and_lines(seed_repo: Path) -> None:
    ctx = context_for(seed_repo)
    owners = scan_owners(ctx)
    assert owners.file == ".github/CODEOWNERS"
    assert owners.blob == _blob(seed_repo, ".github/CODEOWNERS")
    assert [(r.pattern, r.owners, r.line) for r in owners.rules] == [
        ("*", ["@tinyland-inc/maintainers"], 2),
        ("/.github/workflows/", ["@tinyland-inc/platform"], 5),
        ("/app/", ["@tinyland-inc/dashboard"], 6),
        ("/tofu/", ["@tinyland-inc/platform"], 7),
    ]
    assert ctx.problems == []
    workflow = owner_of(owners, ".github/workflows/release.yml")
    assert workflow is not None and workflow.owners == ["@tinyland-inc/platform"]
    assert workflow.line == 5
    flake = owner_of(owners, "flake.nix")
    assert flake is not None and (flake.pattern, flake.line) == ("*", 2)
    stack = owner_of(owners, "tofu/stacks/runner-dashboard")
    assert stack is not None and stack.owners == ["@tinyland-inc/platform"]


def test_github_directory_wins_over_root_and_docs(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "CODEOWNERS": "* @root-owner\n",
        "docs/CODEOWNERS": "* @docs-owner\n",
        ".github/CODEOWNERS": "* @github-owner\n",
        "sub/CODEOWNERS": "* @nested-owner\n",
    })
    owners = scan_owners(context_for(repo))
    assert owners.file == ".github/CODEOWNERS"
    assert owners.rules == [OwnerRule("*", ["@github-owner"], 1)]


def test_root_wins_over_docs_and_nested_copies_never_count(make_repo: RepoFactory) -> None:
    repo = make_repo({"docs/CODEOWNERS": "* @docs-owner\n", "CODEOWNERS": "* @root-owner\n"})
    assert scan_owners(context_for(repo)).file == "CODEOWNERS"
    repo = make_repo({"docs/CODEOWNERS": "* @docs-owner\n"})
    assert scan_owners(context_for(repo)).file == "docs/CODEOWNERS"
    repo = make_repo({"app/CODEOWNERS": "* @nested\n", "README.md": "x\n"})
    assert scan_owners(context_for(repo)) == Owners(file=None)


def test_last_matching_rule_wins_and_unowned_rule(make_repo: RepoFactory) -> None:
    repo = make_repo({".github/CODEOWNERS": (
        "*            @acme/maintainers\n"
        "*.yml        @acme/ci   # inline comment @not-an-owner\n"
        "/.github/workflows/release.yml @acme/release ada@example.org\n"
        "/docs/generated/\n"
        "/tofu/**/stacks/ @acme/platform\n"
    )})
    owners = scan_owners(context_for(repo))
    assert [r.owners for r in owners.rules] == [
        ["@acme/maintainers"], ["@acme/ci"], ["@acme/release", "ada@example.org"], [],
        ["@acme/platform"],
    ]
    release = owner_of(owners, ".github/workflows/release.yml")
    assert release is not None and release.line == 3
    build = owner_of(owners, ".github/workflows/build.yml")
    assert build is not None and (build.line, build.owners) == (2, ["@acme/ci"])
    generated = owner_of(owners, "docs/generated/api.md")
    assert generated == OwnerRule("/docs/generated/", [], 4)
    assert owner_of(owners, "docs/index.md") == OwnerRule("*", ["@acme/maintainers"], 1)
    stack = owner_of(owners, "tofu/envs/prod/stacks/web")
    assert stack is not None and stack.line == 5


def test_no_rule_matches_gives_none(make_repo: RepoFactory) -> None:
    repo = make_repo({"CODEOWNERS": "/app/ @acme/app\n"})
    owners = scan_owners(context_for(repo))
    assert owner_of(owners, "flake.nix") is None
    assert owner_of(owners, "./app/main.py") == OwnerRule("/app/", ["@acme/app"], 1)


def test_malformed_lines_are_problems_and_skipped(make_repo: RepoFactory) -> None:
    repo = make_repo({".github/CODEOWNERS": (
        "# owners\n"
        "\n"
        "* @acme/all\n"
        "!/vendor/ @acme/vendor\n"
        "/src/[ab]/ @acme/src\n"
        "/app/ acme-without-at\n"
        "/docs/ @acme/docs\n"
    )})
    ctx = context_for(repo)
    owners = scan_owners(ctx)
    assert [r.line for r in owners.rules] == [3, 7]
    assert [(p.path, p.line) for p in ctx.problems] == [
        (".github/CODEOWNERS", 4), (".github/CODEOWNERS", 5), (".github/CODEOWNERS", 6),
    ]
    assert "negated" in ctx.problems[0].message
    assert "character ranges" in ctx.problems[1].message
    assert "`acme-without-at` is not an owner" in ctx.problems[2].message


def test_directory_named_codeowners_is_skipped_like_github(make_repo: RepoFactory) -> None:
    repo = make_repo({".github/CODEOWNERS/README": "x\n", "CODEOWNERS": "* @root\n"})
    ctx = context_for(repo)
    assert scan_owners(ctx).file == "CODEOWNERS"
    assert ctx.problems == []


def test_unreadable_codeowners_is_a_problem(make_repo: RepoFactory) -> None:
    repo = make_repo({"README.md": "x\n"})
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").symlink_to("/etc/passwd")
    ctx = context_for(repo)
    assert scan_owners(ctx) == Owners(file=None)
    assert [(p.path, p.message) for p in ctx.problems] == [
        (".github/CODEOWNERS", "symlink leads outside the repository; not read"),
    ]


def test_pattern_the_matcher_cannot_compile_is_a_problem_not_a_crash(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo({"CODEOWNERS": "* @acme/all\n\\\\[a @acme/x\n"})
    ctx = context_for(repo)
    owners = scan_owners(ctx)
    assert [r.pattern for r in owners.rules] == ["*"]
    assert [(p.line, "not a valid pattern" in p.message) for p in ctx.problems] == [(2, True)]
    assert owner_of(owners, "anything") is not None


def test_oversized_codeowners_rules_are_not_used(make_repo: RepoFactory) -> None:
    big = "* @acme/all\n" + "# padding line\n" * (3 * 1024 * 1024 // 15 + 10)
    repo = make_repo({".github/CODEOWNERS": big})
    ctx = context_for(repo)
    owners = scan_owners(ctx)
    assert owners.file is None and owners.rules == []
    assert "GitHub ignores CODEOWNERS files larger than 3 MB" in ctx.problems[0].message
