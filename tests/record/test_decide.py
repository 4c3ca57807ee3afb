"""`release-gate decide`: the headless path writes the same record the TUI writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import marker_filter, marker_program
from tests.record.conftest import RECORDS, SignedRepo, allowed_line, answers_yaml, git
from wizard.cli import main
from wizard.record.store import front_matter


def decide(
    repo: SignedRepo,
    *extra: str,
    answers: Path | None = None,
    candidate: str = "nix-image",
    decision: str = "keep",
) -> int:
    return main(
        [
            "decide",
            str(repo.path),
            "--candidate",
            candidate,
            "--decision",
            decision,
            "--answers",
            str(answers or repo.answers),
            *extra,
        ]
    )


def test_keep_record_is_written_signed_and_verifies(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert decide(signed_repo, "--sign") == 0
    out = capsys.readouterr().out
    assert "wrote RA-0001" in out and "(signed)" in out
    markdown = signed_repo.records / "0001-keep-nix-image.md"
    envelope = signed_repo.records / "0001-keep-nix-image.intoto.json"
    meta = front_matter(markdown.read_text())
    assert meta is not None
    assert meta["id"] == "RA-0001"
    assert meta["decision"] == "keep"
    assert meta["candidate"] == "nix-image"
    assert meta["current-authority"] == "dockerfile-image"
    assert meta["evaluated-commit"] == git(signed_repo.path, "rev-parse", "HEAD")
    assert meta["decision-makers"] == ["Ada Maintainer <ada@example.org>"]
    assert meta["gates"]["security-parity"] == "not-met"
    body = markdown.read_text()
    assert "## Gate 2: Security-Parity — not met" in body
    assert "(../../../.github/workflows/release.yml#L" in body
    assert "Sign-off: Ada Maintainer (ada@example.org) agrees with the verdict" in body
    data = json.loads(envelope.read_text())
    assert data["payloadType"] == "application/vnd.in-toto+json"
    assert (
        len(data["signatures"]) == 1
        and data["signatures"][0]["keyid"] == signed_repo.key.fingerprint
    )
    assert main(["verify", str(envelope)]) == 0
    assert "valid:" in capsys.readouterr().out


def test_statement_carries_gates_evidence_and_signoffs(signed_repo: SignedRepo) -> None:
    import base64

    assert decide(signed_repo, "--sign") == 0
    envelope = json.loads((signed_repo.records / "0001-keep-nix-image.intoto.json").read_text())
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"][0]["name"] == f"{RECORDS}/0001-keep-nix-image.md"
    predicate = statement["predicate"]
    assert predicate["decision"]["outcome"] == "keep"
    assert predicate["verificationResult"] == "FAILED"
    assert predicate["gates"][0]["id"] == "source-of-truth"
    evidence = [e for g in predicate["gates"] for r in g["requirements"] for e in r["evidence"]]
    assert evidence, "the record must carry evidence"
    assert all(len(e["blob"]) == 40 for e in evidence)
    with_lines = [e for e in evidence if e["lines"]]
    assert with_lines and all(len(e["excerpt_sha256"]) == 64 for e in with_lines)
    assert predicate["gates"][1]["signoff"]["email"] == "ada@example.org"


def test_incomplete_answers_are_refused_and_nothing_is_written(
    signed_repo: SignedRepo,
    write_answers: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = answers_yaml().replace("  ownership: {verdict: agree, note: ''}\n", "")
    assert decide(signed_repo, answers=write_answers(text)) == 2
    assert "`gates.ownership` is missing" in capsys.readouterr().err
    bad_verdict = answers_yaml().replace("{verdict: agree", "{verdict: maybe", 1)
    assert decide(signed_repo, answers=write_answers(bad_verdict)) == 2
    assert "`gates.source-of-truth.verdict` must be agree or disagree" in capsys.readouterr().err
    no_note = answers_yaml({"security-parity": ("disagree", "")})
    assert decide(signed_repo, answers=write_answers(no_note)) == 2
    assert "`gates.security-parity.note` is required because you disagree" in (
        capsys.readouterr().err
    )
    assert signed_repo.envelopes() == []


def test_change_is_refused_when_a_gate_is_not_met(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert decide(signed_repo, decision="change") == 1
    err = capsys.readouterr().err
    assert "a change of authority needs all six gates met for nix-image" in err
    assert "gate 2 Security-Parity is not-met" in err
    assert signed_repo.envelopes() == []


def test_change_to_the_current_authority_is_refused(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert decide(signed_repo, candidate="dockerfile-image", decision="change") == 1
    assert "already the release authority" in capsys.readouterr().err


def test_numbering_is_sequential_and_new_records_supersede(signed_repo: SignedRepo) -> None:
    assert decide(signed_repo) == 0
    assert decide(signed_repo, candidate="dockerfile-image") == 0
    names = sorted(p.name for p in signed_repo.records.iterdir())
    assert names == [
        "0001-keep-nix-image.intoto.json",
        "0001-keep-nix-image.md",
        "0002-keep-dockerfile-image.intoto.json",
        "0002-keep-dockerfile-image.md",
    ]
    second = front_matter((signed_repo.records / "0002-keep-dockerfile-image.md").read_text())
    assert second is not None and second["supersedes"] == ["RA-0001"]
    first = (signed_repo.records / "0001-keep-nix-image.md").read_text()
    assert "superseded" not in first


def test_failed_signature_leaves_no_partial_record(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git(signed_repo.path, "config", "user.signingkey", str(signed_repo.path / "no-such-key"))
    assert decide(signed_repo, "--sign") == 1
    assert "release-gate:" in capsys.readouterr().err
    assert signed_repo.envelopes() == []
    assert not signed_repo.records.exists() or list(signed_repo.records.iterdir()) == []


def test_uncommitted_evidence_is_refused(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = signed_repo.path / ".github/workflows/release.yml"
    workflow.write_text(workflow.read_text() + "\n# local edit\n")
    assert decide(signed_repo) == 1
    assert "uncommitted changes in .github/workflows/release.yml" in capsys.readouterr().err
    assert signed_repo.envelopes() == []


def test_commit_makes_a_signed_commit_of_exactly_the_record(signed_repo: SignedRepo) -> None:
    before = git(signed_repo.path, "rev-parse", "HEAD")
    assert decide(signed_repo, "--sign", "--commit") == 0
    assert git(signed_repo.path, "rev-parse", "HEAD^") == before
    changed = git(signed_repo.path, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert changed == [
        f"{RECORDS}/0001-keep-nix-image.intoto.json",
        f"{RECORDS}/0001-keep-nix-image.md",
    ]
    signers = signed_repo.path.parent / "git_signers"
    signers.write_text(allowed_line("ada@example.org", signed_repo.key, 'namespaces="git"') + "\n")
    status = git(
        signed_repo.path, "-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "-1", "--format=%G?"
    )
    assert status == "G"
    assert git(signed_repo.path, "status", "--porcelain") == ""


def test_committing_runs_no_filter_the_repository_config_defines(
    signed_repo: SignedRepo, tmp_path: Path
) -> None:
    """`git add` of the record would run a clean filter named in .git/config (a repository
    that arrived with its .git); see tests/hostile/test_git_config.py for the scan's git."""
    marker = tmp_path / "driver-ran"
    signed_repo.commit({".gitattributes": "*.md filter=plain\n*.json filter=plain\n"})
    git(signed_repo.path, "config", "filter.plain.clean", marker_filter(marker))
    before = git(signed_repo.path, "rev-parse", "HEAD")
    assert decide(signed_repo, "--sign", "--commit") == 0
    assert git(signed_repo.path, "rev-parse", "HEAD^") == before
    assert not marker.exists()


def test_deciding_runs_no_program_the_repository_config_names(
    signed_repo: SignedRepo, tmp_path: Path
) -> None:
    """fsmonitor during the commit, and a submodule's own clean filter while looking for
    uncommitted evidence: neither runs."""
    marker = tmp_path / "ran"
    fsmonitor = marker_program(tmp_path / "fsmonitor.sh", marker)
    source = tmp_path / "submodule-source"
    source.mkdir()
    git(source, "init", "-q")
    (source / "s.txt").write_text("s\n", encoding="utf-8")
    (source / ".gitattributes").write_text("s.txt filter=sm\n", encoding="utf-8")
    git(source, "add", "-A")
    git(source, "commit", "-qm", "submodule")
    git(signed_repo.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q",
        str(source), "sub")
    git(signed_repo.path, "commit", "-qm", "add a submodule")
    # Asks git status to look inside the submodule unless told otherwise on the command line.
    git(signed_repo.path, "config", "submodule.sub.ignore", "none")
    git(signed_repo.path / "sub", "config", "filter.sm.clean", marker_filter(marker))
    (signed_repo.path / "sub" / "s.txt").write_text("S\n", encoding="utf-8")
    git(signed_repo.path, "config", "core.fsmonitor", str(fsmonitor))
    assert decide(signed_repo, "--sign", "--commit") == 0
    assert not marker.exists()


def test_signing_runs_no_program_the_repository_config_names(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """gpg.ssh.program set in .git/config would be run to sign the record: refused instead."""
    marker = tmp_path / "ran"
    program = marker_program(tmp_path / "ssh-keygen", marker)
    git(signed_repo.path, "config", "gpg.ssh.program", str(program))
    assert decide(signed_repo, "--sign") == 1
    assert "git config gpg.ssh.program is set in this repository's own configuration" in (
        capsys.readouterr().err
    )
    assert not marker.exists()
    assert signed_repo.envelopes() == []
