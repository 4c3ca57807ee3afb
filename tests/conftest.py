"""Shared fixtures: every test runs with an isolated HOME and git configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.sample import build_seed_repo, commit_files, init_repo

RepoFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Ada Maintainer\n\temail = ada@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("GNUPGHOME", raising=False)
    return home


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoFactory:
    """Create a committed git repository from a {path: text} mapping."""
    counter = iter(range(1000))

    def factory(files: dict[str, str | None], message: str = "fixture") -> Path:
        repo = init_repo(tmp_path / f"repo{next(counter)}")
        commit_files(repo, files, message)
        return repo

    return factory


@pytest.fixture
def seed_repo(tmp_path: Path) -> Path:
    """A repository in the exact state the seed note describes."""
    return build_seed_repo(tmp_path / "seed")
