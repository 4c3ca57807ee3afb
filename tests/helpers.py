"""Helpers for tests: one scanner on a fixture repository, and programs a hostile repository's
git config may name (each leaves a marker file behind when it runs)."""

from __future__ import annotations

from pathlib import Path

from wizard.config import Config, load_config
from wizard.repo import Repo
from wizard.scan.context import ScanContext


def context_for(repo_path: Path, config: Config | None = None) -> ScanContext:
    repo = Repo(repo_path)
    return ScanContext(repo=repo, config=config or load_config(repo), files=repo.files())


def marker_program(path: Path, marker: Path) -> Path:
    """An executable at `path` that creates `marker` and fails."""
    path.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def marker_filter(marker: Path) -> str:
    """A git filter command that creates `marker` and passes the content through."""
    return f"sh -c 'touch {marker}; cat'"
