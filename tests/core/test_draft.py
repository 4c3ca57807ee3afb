"""Drafts: saved atomically per repository, validated on load, stale verdicts detected."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import wizard.draft
from wizard.config import Config
from wizard.draft import (
    SCHEMA,
    Draft,
    DraftError,
    change_refusal,
    decision_makers,
    delete_draft,
    draft_path,
    load_draft,
    missing,
    new_draft,
    save_draft,
    set_answer,
    signoffs,
    verdict_changes,
)
from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import CANDIDATES, CandidateEvaluation, GateResult, Status
from wizard.gates.spec import GATE_IDS
from wizard.record.answers import Person
from wizard.scan.repository import scan_repository

ROOT = "/srv/repos/dashboard"


def evaluation(statuses: dict[str, Status] | None = None) -> CandidateEvaluation:
    statuses = statuses or {}
    gates = [
        GateResult(gid, n, gid.replace("-", " ").title(), "", statuses.get(gid, "met"), [])
        for n, gid in enumerate(GATE_IDS, start=1)
    ]
    return CandidateEvaluation("nix-image", False, False, gates)


def draft() -> Draft:
    return Draft(ROOT, "a" * 40, "runner-dashboard", "nix-image")


def test_path_is_sha256_of_root_under_xdg_state_home(isolated_environment: Path) -> None:
    path = draft_path(ROOT)
    assert path.parent == isolated_environment / "state" / "release-gate" / "drafts"
    assert path.name == hashlib.sha256(ROOT.encode()).hexdigest() + ".json"


def test_save_then_load_round_trips_every_field() -> None:
    d = draft()
    ev = evaluation({"security-parity": "not-met"})
    set_answer(d, ev.gate("source-of-truth"), "agree", "", "Ada Maintainer", "ada@example.org")
    set_answer(d, ev.gate("security-parity"), "disagree", "no cosign", "Bob", "bob@example.org")
    set_answer(d, ev.gate("ownership"), None, "half-typed", "Bob", "bob@example.org")
    d.decision = "change"
    path = save_draft(d)
    assert path == draft_path(ROOT)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    loaded = load_draft(ROOT)
    assert loaded == d
    assert loaded is not None
    assert loaded.answers["security-parity"].tool_status == "not-met"
    assert loaded.answers["ownership"].verdict is None
    assert loaded.signer == Person("Bob", "bob@example.org")
    assert json.loads(path.read_text())["schema"] == SCHEMA


def test_a_draft_is_replaced_the_way_records_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """One atomic-replace implementation (temp file, fsync, rename) for drafts and records."""
    replaced: list[tuple[Path, bytes]] = []
    monkeypatch.setattr(
        wizard.draft, "replace_file", lambda target, data: replaced.append((target, data))
    )
    path = save_draft(draft())
    assert [target for target, _ in replaced] == [path]
    assert json.loads(replaced[0][1])["candidate"] == "nix-image"


def test_no_draft_is_none_and_delete_removes_it() -> None:
    assert load_draft(ROOT) is None
    save_draft(draft())
    assert load_draft(ROOT) is not None
    delete_draft(ROOT)
    assert load_draft(ROOT) is None
    delete_draft(ROOT)  # deleting twice is fine


def test_failed_write_keeps_the_previous_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    first = draft()
    save_draft(first)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    second = draft()
    second.candidate = "dual"
    with monkeypatch.context() as patched, pytest.raises(OSError):
        patched.setattr(os, "replace", broken_replace)
        save_draft(second)
    loaded = load_draft(ROOT)
    assert loaded is not None and loaded.candidate == "nix-image"
    assert [p.name for p in draft_path(ROOT).parent.iterdir()] == [draft_path(ROOT).name]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "is not valid JSON"),
        (b"\xff\xfe\x00", "is not valid JSON"),
        (b"[]", "is not a release-gate.draft/v1 document"),
        (b'{"schema": "other"}', "is not a release-gate.draft/v1 document"),
        (
            json.dumps(
                {
                    "schema": SCHEMA,
                    "repo_root": ROOT,
                    "candidate": "rocket",
                    "decision": "keep",
                    "answers": {},
                }
            ).encode(),
            "`candidate` must be one of",
        ),
        (
            json.dumps(
                {
                    "schema": SCHEMA,
                    "repo_root": ROOT,
                    "candidate": "dual",
                    "decision": "keep",
                    "answers": {"gate-7": {}},
                }
            ).encode(),
            "`answers.gate-7` is not an answer",
        ),
        (
            json.dumps(
                {
                    "schema": SCHEMA,
                    "repo_root": ROOT,
                    "candidate": "dual",
                    "decision": "keep",
                    "answers": {
                        "ownership": {
                            "verdict": "agree",
                            "note": 3,
                            "name": "a",
                            "email": "b",
                            "time": "t",
                            "tool_status": "met",
                        }
                    },
                }
            ).encode(),
            "`note` must be text",
        ),
        (
            json.dumps(
                {
                    "schema": SCHEMA,
                    "repo_root": "/elsewhere",
                    "candidate": "dual",
                    "decision": "keep",
                    "answers": {},
                }
            ).encode(),
            "belongs to /elsewhere",
        ),
    ],
)
def test_corrupt_draft_is_a_draft_error(content: bytes, expected: str) -> None:
    path = draft_path(ROOT)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(DraftError) as caught:
        load_draft(ROOT)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_oversized_draft_is_refused() -> None:
    path = draft_path(ROOT)
    path.parent.mkdir(parents=True)
    path.write_bytes(b" " * 1_000_001)
    with pytest.raises(DraftError, match="over 1000000 bytes"):
        load_draft(ROOT)


def test_signoffs_only_include_answers_with_a_verdict() -> None:
    d = draft()
    ev = evaluation()
    set_answer(d, ev.gate("ownership"), "agree", "  fine  ", " Ada ", "ada@example.org ")
    set_answer(d, ev.gate("security-parity"), None, "thinking", "Ada", "ada@example.org")
    result = signoffs(d)
    assert list(result) == ["ownership"]
    assert result["ownership"].note == "fine"
    assert result["ownership"].name == "Ada"
    assert result["ownership"].email == "ada@example.org"
    assert result["ownership"].verdict == "agree"


def test_missing_names_each_gate_and_reason() -> None:
    d = draft()
    ev = evaluation({"publication-parity": "needs-review"})
    set_answer(d, ev.gate("source-of-truth"), "agree", "", "Ada", "ada@example.org")
    set_answer(d, ev.gate("security-parity"), "disagree", " ", "Ada", "ada@example.org")
    set_answer(d, ev.gate("publication-parity"), "agree", "", "Ada", "ada@example.org")
    set_answer(d, ev.gate("deployment-consumption"), "disagree", "stack pins", "Ada", "a@b.c")
    result = {m.gate: m.reason for m in missing(d, ev)}
    assert result == {
        "security-parity": "a note is required because you disagree",
        "publication-parity": "a note is required because the verdict is needs-review",
        "documentation-convergence": "no sign-off yet",
        "ownership": "no sign-off yet",
    }


def test_verdict_changes_after_the_tool_changed_its_mind() -> None:
    d = draft()
    before = evaluation()
    set_answer(d, before.gate("security-parity"), "agree", "", "Ada", "ada@example.org")
    set_answer(d, before.gate("ownership"), "agree", "", "Ada", "ada@example.org")
    set_answer(d, before.gate("source-of-truth"), None, "", "Ada", "ada@example.org")
    after = evaluation({"security-parity": "not-met", "source-of-truth": "not-met"})
    changes = verdict_changes(d, after)
    assert [(c.gate, c.number, c.then, c.now) for c in changes] == [
        ("security-parity", 2, "met", "not-met")
    ]
    stale = {m.gate: m.reason for m in missing(d, after)}
    assert stale["security-parity"] == (
        "the tool's verdict changed from met to not-met since the sign-off; review it again"
    )
    set_answer(d, after.gate("security-parity"), "agree", "", "Ada", "ada@example.org")
    assert verdict_changes(d, after) == []


def test_decision_makers_are_unique_signers_in_gate_order() -> None:
    d = draft()
    ev = evaluation()
    set_answer(d, ev.gate("ownership"), "agree", "", "Bob", "bob@example.org")
    set_answer(d, ev.gate("source-of-truth"), "agree", "", "Ada  Maintainer", "ada@example.org")
    set_answer(d, ev.gate("security-parity"), "agree", "", "Ada", "ada@example.org")
    set_answer(d, ev.gate("publication-parity"), None, "", "Eve", "eve@example.org")
    assert decision_makers(d) == [
        Person("Ada Maintainer", "ada@example.org"),
        Person("Bob", "bob@example.org"),
    ]


def test_missing_names_a_sign_off_whose_name_or_email_is_invalid() -> None:
    d = draft()
    ev = evaluation()
    for gate in ev.gates:
        set_answer(d, gate, "agree", "", "Ada", "ada@example.org")
    set_answer(d, ev.gate("security-parity"), "agree", "", "  ", "ada@example.org")
    set_answer(d, ev.gate("ownership"), "disagree", "why", "Ada", "not an address")
    # Without a verdict there is no sign-off yet, whatever the fields hold.
    set_answer(d, ev.gate("source-of-truth"), None, "", "", "")
    assert {m.gate: m.reason for m in missing(d, ev)} == {
        "source-of-truth": "no sign-off yet",
        "security-parity": "name/email invalid: the name must not be empty",
        "ownership": "name/email invalid: 'not an address' is not an email address",
    }


@pytest.mark.parametrize("candidate", CANDIDATES)
def test_change_refusal_says_sign_offs_are_missing_whatever_the_candidate(
    seed_repo: Path, candidate: str
) -> None:
    """Even for the current authority, or a candidate whose gates are not met: the record
    API is never asked about a draft it would find incomplete."""
    scan = scan_repository(str(seed_repo))
    config = scan.config or Config()
    spec = load_spec(config)
    (ev,) = evaluate(scan, config, spec, (candidate,))
    d = new_draft(scan, candidate, None)
    for gate in ev.gates[:5]:
        set_answer(d, gate, "agree", "checked", "Ada", "ada@example.org")
    assert change_refusal(d, scan, config, spec, ev) == (
        "every gate needs a complete sign-off first"
    )
