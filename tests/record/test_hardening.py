"""Decide, sign and verify hold up against moved HEADs, odd directories and hostile paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.record.conftest import RECORDS, SignedRepo, allowed_line, git
from wizard.cli import main
from wizard.gates.engine import evaluate, load_spec
from wizard.record.answers import load_answers
from wizard.record.write import DecisionRequest, write_decision
from wizard.scan.repository import scan_repository


def decide(repo: SignedRepo, *extra: str) -> int:
    return main(["decide", str(repo.path), "--candidate", "nix-image", "--decision", "keep",
                 "--answers", str(repo.answers), *extra])


def test_head_moving_between_scan_and_write_is_refused(signed_repo: SignedRepo) -> None:
    from wizard.record.errors import DecisionRefused

    scan = scan_repository(signed_repo.path)
    assert scan.config is not None
    spec = load_spec(scan.config)
    evaluation = evaluate(scan, scan.config, spec, ("nix-image",))[0]
    answers = load_answers(signed_repo.answers, None)
    workflow = signed_repo.path / ".github/workflows/release.yml"
    signed_repo.commit({".github/workflows/release.yml": "# a comment\n" * 5
                        + workflow.read_text()}, "move every line down")
    request = DecisionRequest(scan, scan.config, spec, evaluation, "keep", answers.signoffs,
                              answers.decision_makers)
    with pytest.raises(DecisionRefused, match="HEAD moved since the scan"):
        write_decision(request, sign=False, commit=False)
    assert signed_repo.envelopes() == []


def test_records_directory_leading_outside_is_refused(signed_repo: SignedRepo, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (signed_repo.path / "docs/decisions").mkdir(parents=True)
    os.symlink(outside, signed_repo.path / RECORDS)
    signed_repo.commit({}, "records elsewhere")
    assert decide(signed_repo) == 2
    assert "resolves outside the repository" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_records_directory_that_is_a_file_is_one_clear_error(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    signed_repo.commit({".release-gate.yaml": "records:\n  dir: README.md\n"}, "odd config")
    assert decide(signed_repo) == 2
    err = capsys.readouterr().err
    assert "records.dir README.md is not a directory" in err and "Traceback" not in err


def test_hostile_evidence_path_cannot_break_out_of_the_record(signed_repo: SignedRepo) -> None:
    from wizard.facts import Evidence
    from wizard.record.content import _link

    class Content:
        records_dir = "docs/decisions/release-authority"

    link = _link(Content(), Evidence("r\n\n# Injected <img src=x>).yml", 3, None))  # type: ignore[arg-type]
    target = link[link.index("](") + 2 : -1]
    assert "\n" not in link and "<img" not in target and ")" not in target
    assert target.startswith("../../../r%0A%0A%23%20Injected")


def test_sign_refuses_a_malformed_payload_cleanly(signed_repo: SignedRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import base64

    assert decide(signed_repo) == 0
    envelope = signed_repo.envelopes()[0]
    data = json.loads(envelope.read_text())
    statement = json.loads(base64.b64decode(data["payload"]))
    statement["subject"] = []
    data["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    envelope.write_text(json.dumps(data))
    assert main(["sign", str(envelope)]) == 1
    err = capsys.readouterr().err
    assert "no single subject" in err and "Traceback" not in err


def test_verify_accepts_the_markdown_and_names_a_missing_signers_file(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert decide(signed_repo, "--sign") == 0
    markdown = signed_repo.records / "0001-keep-nix-image.md"
    assert main(["verify", str(markdown)]) == 0
    capsys.readouterr()
    assert main(["verify", str(markdown), "--allowed-signers", "/nonexistent/signers"]) == 2
    assert "--allowed-signers /nonexistent/signers does not exist" in capsys.readouterr().err


def test_whole_file_evidence_still_holds_after_an_edit(signed_repo: SignedRepo,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert decide(signed_repo, "--sign") == 0
    overview = signed_repo.path / "docs/dashboard/overview.md"
    signed_repo.commit({"docs/dashboard/overview.md": overview.read_text() + "\nTypo fix.\n"},
                       "typo")
    capsys.readouterr()
    assert main(["verify", str(signed_repo.envelopes()[0])]) == 0
    assert "docs/dashboard/overview.md was edited" in capsys.readouterr().out


def test_key_that_expired_after_the_record_was_committed_still_verifies(
    signed_repo: SignedRepo, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (signed_repo.path / ".github/allowed_signers").write_text(allowed_line(
        "ada@example.org", signed_repo.key, 'namespaces="release-gate",valid-before="20260101"'
    ) + "\n")
    signed_repo.commit({}, "Ada's key is valid until 2026")
    assert decide(signed_repo, "--sign") == 0
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-06-01T12:00:00Z")
    git(signed_repo.path, "add", "-A")
    git(signed_repo.path, "commit", "-qm", "RA-0001 recorded in 2025")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    assert main(["verify", str(signed_repo.envelopes()[0])]) == 0
    envelope = signed_repo.envelopes()[0]
    envelope.write_text(envelope.read_text() + "\n")
    capsys.readouterr()
    assert main(["verify", str(envelope)]) == 1, "uncommitted: checked against the clock"
    assert "not valid at" in capsys.readouterr().err
