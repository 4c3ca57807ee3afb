"""A repository that arrives with its own .git/config (an archive, a copied directory) cannot make
git run its programs on our behalf: its filter drivers are switched off for every git call, in
`git status` and in the checkout of `check --base-ref`. The user's own drivers (git-lfs, say)
stay on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RepoFactory
from tests.helpers import marker_filter, marker_program
from wizard.cli import main
from wizard.repo import run_git


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def hostile_config(make_repo: RepoFactory, tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "driver-ran"
    repo = make_repo(
        {
            ".gitattributes": "*.txt filter=plain\n*.md filter=a=b\n",
            "notes.txt": "first\n",
            "README.md": "# readme\n",
        }
    )
    for driver in ("plain", "a=b"):
        for setting in ("clean", "smudge"):
            git(repo, "config", f"filter.{driver}.{setting}", marker_filter(marker))
        git(repo, "config", f"filter.{driver}.required", "true")
    git(repo, "config", "filter.plain.process", marker_filter(marker))
    # Changed but the same size: `git status` must hash them, through the clean filter.
    (repo / "notes.txt").write_text("fir5t\n", encoding="utf-8")
    (repo / "README.md").write_text("# readmE\n", encoding="utf-8")
    return repo, marker


def test_scan_runs_no_filter_of_the_repository(
    hostile_config: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, marker = hostile_config
    assert main(["scan", "--json", str(repo)]) == 0
    assert '"dirty": true' in capsys.readouterr().out
    assert not marker.exists()


def test_check_against_a_base_ref_runs_no_filter_of_the_repository(
    hostile_config: tuple[Path, Path],
) -> None:
    """The base branch is checked out in a worktree: smudge filters would run there."""
    repo, marker = hostile_config
    assert main(["check", "--base-ref", "HEAD", str(repo)]) == 0
    assert not marker.exists()


def test_the_users_own_filter_driver_still_runs(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    marker = tmp_path / "users-driver-ran"
    repo = make_repo({".gitattributes": "*.bin filter=mine\n", "data.bin": "one\n"})
    git(repo, "config", "--global", "filter.mine.clean", marker_filter(marker))
    (repo / "data.bin").write_text("onE\n", encoding="utf-8")
    assert main(["scan", str(repo)]) == 0
    assert marker.exists()


def test_a_git_too_old_for_the_overrides_stops_the_run(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """git before 2.31 ignores GIT_CONFIG_COUNT: rather than run a repository's drivers, the
    run stops with one sentence."""
    repo = make_repo({"README.md": "# old git\n"})
    real = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    shims = tmp_path / "bin"
    shims.mkdir()
    shim = shims / "git"
    shim.write_text(
        f'#!/bin/sh\nif [ "$1" = version ]; then echo "git version 2.25.1"; exit 0; fi\n'
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}:{os.environ['PATH']}")
    assert main(["scan", str(repo)]) == 2
    assert capsys.readouterr().err == (
        "release-gate: git 2.25 is too old: release-gate needs git 2.31 or newer, to keep a "
        "repository's own filter drivers from running\n"
    )


def test_a_claimed_partial_clone_fetches_nothing(
    make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an object missing, git would fetch it from the "promisor" remote, through the ssh
    command the repository's config names. No transport is allowed: the scan stops instead."""
    marker = tmp_path / "ssh-ran"
    ssh = marker_program(tmp_path / "ssh.sh", marker)
    repo = make_repo({"README.md": "# partial\n", "app/main.py": "print('hi')\n"})
    tree = subprocess.run(
        ["git", "rev-parse", "HEAD^{tree}"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    (repo / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    for name, value in (
        ("core.repositoryformatversion", "1"),
        ("extensions.partialClone", "origin"),
        ("remote.origin.promisor", "true"),
        ("remote.origin.url", "ssh://example.invalid/x"),
        ("core.sshCommand", str(ssh)),
    ):
        git(repo, "config", name, value)
    assert main(["scan", str(repo)]) == 2
    assert "release-gate: git " in capsys.readouterr().err
    assert not marker.exists()


def test_git_log_verifies_no_signature_with_the_repositorys_program(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    """log.showSignature makes `git log` run gpg.program on a signed commit, whatever the
    format asked for; the record's commit time is read with `git log`."""
    marker = tmp_path / "gpg-ran"
    repo = make_repo({"README.md": "# signed\n"})
    head = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout
    headers, _, message = head.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----"
    forged = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo, input=f"{headers}\n{signature}\n\n{message}", capture_output=True, text=True,
        check=True,
    ).stdout.strip()
    git(repo, "update-ref", "HEAD", forged)
    gpg = marker_program(tmp_path / "gpg.sh", marker)
    git(repo, "config", "log.showSignature", "true")
    git(repo, "config", "gpg.program", str(gpg))
    assert run_git(repo, "log", "-1", "--format=%cI").strip()
    assert not marker.exists()
