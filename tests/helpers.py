"""Helpers for tests that exercise one scanner on a fixture repository."""

from __future__ import annotations

from pathlib import Path

from wizard.config import Config, load_config
from wizard.repo import Repo
from wizard.scan.context import ScanContext


def context_for(repo_path: Path, config: Config | None = None) -> ScanContext:
    repo = Repo(repo_path)
    return ScanContext(repo=repo, config=config or load_config(repo), files=repo.files())
