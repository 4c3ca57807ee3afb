"""Write the seed repository's files and commit them with real git."""

from __future__ import annotations

import os
import subprocess
from importlib import resources
from pathlib import Path

_IDENTITY = ["-c", "user.name=Release Gate Demo", "-c", "user.email=demo@release-gate.invalid"]
_NO_SIGN = ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


def _load_seed_files() -> dict[str, str]:
    """The seed files live as real files under `wizard/sample/seed/` so they read naturally."""
    root = resources.files("wizard.sample") / "seed"
    files: dict[str, str] = {}

    def walk(node: resources.abc.Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{name}/")
            else:
                files[name.replace("dot-", ".", 1) if name.startswith("dot-") else name] = (
                    child.read_text(encoding="utf-8")
                )

    walk(root, "")
    return dict(sorted(files.items()))


SEED_FILES: dict[str, str] = _load_seed_files()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *_IDENTITY, *_NO_SIGN, *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def init_repo(dest: Path, branch: str = "main") -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    _git(dest, "init", "-q", "-b", branch)
    return dest


def commit_files(
    repo: Path, files: dict[str, str | None], message: str, date: str | None = None
) -> None:
    """Write (or, for None, delete) the files and commit them."""
    for rel, text in files.items():
        target = repo / rel
        if text is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    dated = ["--date", date] if date else []
    _git(repo, "commit", "-q", "--allow-empty", "-m", message, *dated)


def build_seed_repo(dest: Path, extra: dict[str, str | None] | None = None) -> Path:
    """A git repository in `dest` in the seed note's state (optionally with files changed)."""
    init_repo(dest)
    files: dict[str, str | None] = dict(SEED_FILES)
    files.update(extra or {})
    commit_files(dest, files, "Runner dashboard in the state of the 2026-04-16 gate note")
    return dest
