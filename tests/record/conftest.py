"""A seed repository whose maintainer (Ada) signs with an SSH key, as git is configured."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.signing.keys import SshKey, make_ssh_key
from wizard.gates.spec import GATE_IDS
from wizard.sample import build_seed_repo, commit_files

RECORDS = "docs/decisions/release-authority"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def answers_yaml(
    overrides: dict[str, tuple[str, str]] | None = None,
    signer: tuple[str, str] = ("Ada Maintainer", "ada@example.org"),
    makers: list[tuple[str, str]] | None = None,
) -> str:
    notes = {gate: ("agree", "") for gate in GATE_IDS}
    notes.update(overrides or {})
    lines = [f"signer: {{name: {signer[0]}, email: {signer[1]}}}", "gates:"]
    for gate, (verdict, note) in notes.items():
        lines.append(f"  {gate}: {{verdict: {verdict}, note: {note!r}}}")
    if makers:
        lines.append("decision-makers:")
        lines += [f"  - {{name: {n}, email: {e}}}" for n, e in makers]
    return "\n".join(lines) + "\n"


@dataclass
class SignedRepo:
    path: Path
    key: SshKey
    answers: Path

    @property
    def records(self) -> Path:
        return self.path / RECORDS

    def envelopes(self) -> list[Path]:
        return sorted(self.records.glob("*.intoto.json")) if self.records.exists() else []

    def commit(self, files: dict[str, str | None], message: str = "change") -> None:
        commit_files(self.path, files, message)


def allowed_line(email: str, key: SshKey, options: str = 'namespaces="release-gate"') -> str:
    return f"{email} {options} {key.public_text}"


@pytest.fixture
def signed_repo(tmp_path: Path) -> SignedRepo:
    key = make_ssh_key(tmp_path / "keys", "ada")
    repo = build_seed_repo(
        tmp_path / "repo",
        extra={".github/allowed_signers": allowed_line("ada@example.org", key) + "\n"},
    )
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key.private))
    answers = tmp_path / "answers.yaml"
    answers.write_text(answers_yaml(), encoding="utf-8")
    return SignedRepo(repo, key, answers)


@pytest.fixture
def write_answers(tmp_path: Path) -> Callable[[str], Path]:
    counter = iter(range(100))

    def factory(text: str) -> Path:
        path = tmp_path / f"answers{next(counter)}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return factory
