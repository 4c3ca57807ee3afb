"""The hostile corpus as a session fixture: each case is built on first use (inside a test, so
with the isolated git configuration) and then only read by every test that scans it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import Case, build_case, case
from wizard.sample import build_seed_repo
from wizard.scan.repository import scan_repository


class Corpus:
    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self._built: dict[str, Path] = {}
        self._seed_facts: dict[str, Any] | None = None

    def repo(self, name: str) -> Path:
        """The path to scan for the case `name`, built the first time it is asked for."""
        if name not in self._built:
            self._built[name] = build_case(case(name), self.parent)
        return self._built[name]

    def case(self, name: str) -> tuple[Case, Path]:
        return case(name), self.repo(name)

    def seed_facts(self) -> dict[str, Any]:
        """`scan --json` of the untouched seed: what every hostile case must still find."""
        if self._seed_facts is None:
            seed = build_seed_repo(self.parent / "untouched-seed")
            self._seed_facts = scan_repository(seed).to_json()
        return self._seed_facts


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    parent = tmp_path_factory.mktemp("corpus")
    yield Corpus(parent)
    # The 50 MiB workflow is real data on disk; pytest would keep it for three sessions.
    shutil.rmtree(parent, ignore_errors=True)
