"""`release-gate verify`: every kind of tampering is caught, each with its own reason."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.record.conftest import SignedRepo, allowed_line, answers_yaml, git
from tests.signing.keys import SshAgent, make_ssh_key
from wizard.cli import main


def record(repo: SignedRepo, *extra: str, answers: Path | None = None) -> Path:
    code = main(
        [
            "decide",
            str(repo.path),
            "--candidate",
            "nix-image",
            "--decision",
            "keep",
            "--answers",
            str(answers or repo.answers),
            "--sign",
            *extra,
        ]
    )
    assert code == 0
    return repo.envelopes()[-1]


def verify(envelope: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(envelope), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_valid_record(signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(record(signed_repo), capsys)
    assert code == 0
    assert "signed by ada@example.org (ssh SHA256:" in out


def test_unsigned_record_fails(signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "decide",
                str(signed_repo.path),
                "--candidate",
                "nix-image",
                "--decision",
                "keep",
                "--answers",
                str(signed_repo.answers),
            ]
        )
        == 0
    )
    code, out = verify(signed_repo.envelopes()[0], capsys)
    assert code == 1 and "not signed" in out


def test_one_byte_changed_in_the_markdown(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    markdown = envelope.with_name(envelope.name.replace(".intoto.json", ".md"))
    data = bytearray(markdown.read_bytes())
    data[data.index(b"keep")] = ord("K")
    markdown.write_bytes(bytes(data))
    code, out = verify(envelope, capsys)
    assert code == 1 and "does not match the signed digest" in out


def test_one_byte_changed_in_the_payload(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    data = json.loads(envelope.read_text())
    payload = bytearray(base64.b64decode(data["payload"]))
    payload[payload.index(b'"keep"') + 1] = ord("K")
    data["payload"] = base64.b64encode(bytes(payload)).decode()
    envelope.write_text(json.dumps(data))
    code, out = verify(envelope, capsys)
    assert code == 1 and "signature" in out and "does not verify" in out


def test_one_byte_changed_in_the_signature(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.signing.keys import flip_ssh_signature_byte

    envelope = record(signed_repo)
    data = json.loads(envelope.read_text())
    armored = base64.b64decode(data["signatures"][0]["sig"]).decode()
    data["signatures"][0]["sig"] = base64.b64encode(
        flip_ssh_signature_byte(armored).encode()
    ).decode()
    envelope.write_text(json.dumps(data))
    code, out = verify(envelope, capsys)
    assert code == 1 and "signature" in out


def test_signer_not_in_allowed_signers(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    stranger = make_ssh_key(tmp_path / "other", "mallory")
    other = tmp_path / "allowed"
    other.write_text(allowed_line("ada@example.org", stranger) + "\n")
    code, out = verify(envelope, capsys, "--allowed-signers", str(other))
    assert code == 1 and "not in allowed_signers" in out


def test_wrong_namespace(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    git_only = tmp_path / "allowed"
    git_only.write_text(allowed_line("ada@example.org", signed_repo.key, 'namespaces="git"') + "\n")
    code, out = verify(envelope, capsys, "--allowed-signers", str(git_only))
    assert code == 1 and "namespace" in out


def test_key_outside_its_validity_window(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    expired = tmp_path / "allowed"
    expired.write_text(
        allowed_line(
            "ada@example.org", signed_repo.key, 'namespaces="release-gate",valid-before="20200101"'
        )
        + "\n"
    )
    code, out = verify(envelope, capsys, "--allowed-signers", str(expired))
    assert code == 1 and "not valid at" in out


def test_signer_who_is_not_a_decision_maker(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    other = tmp_path / "allowed"
    other.write_text(allowed_line("eve@example.org", signed_repo.key) + "\n")
    code, out = verify(envelope, capsys, "--allowed-signers", str(other))
    assert code == 1 and "eve@example.org is not among the record's decision-makers" in out


def test_evidence_changed_at_head_is_drift_naming_the_item(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    workflow = signed_repo.path / ".github/workflows/release.yml"
    text = workflow.read_text().replace(
        "docker/build-push-action@v6", "docker/build-push-action@v5"
    )
    signed_repo.commit({".github/workflows/release.yml": text}, "pin an older build action")
    code, out = verify(envelope, capsys)
    assert code == 1
    assert "evidence drift: .github/workflows/release.yml:40 changed at HEAD" in out


def test_moved_but_identical_evidence_still_verifies(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    workflow = signed_repo.path / ".github/workflows/release.yml"
    signed_repo.commit(
        {".github/workflows/release.yml": "# moved down by a comment\n" + workflow.read_text()},
        "add a comment",
    )
    code, out = verify(envelope, capsys)
    assert code == 0, out
    assert "drift: .github/workflows/release.yml:" in out and "moved to line" in out


def test_evaluated_commit_must_be_an_ancestor(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    keep = envelope.read_bytes(), envelope.with_suffix("").with_suffix(".md").read_bytes()
    git(signed_repo.path, "checkout", "-q", "--orphan", "other")
    git(signed_repo.path, "commit", "-q", "-m", "unrelated history")
    envelope.write_bytes(keep[0])
    code, out = verify(envelope, capsys)
    assert code == 1 and "not an ancestor of HEAD" in out


def test_not_json_is_invalid_and_missing_file_is_unusable(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    envelope.write_text("{not json")
    code, out = verify(envelope, capsys)
    assert code == 1 and "envelope" in out
    code, out = verify(envelope.with_name("9999-nothing.intoto.json"), capsys)
    assert code == 2 and "does not exist" in out


def test_agent_only_key_signs(
    signed_repo: SignedRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent = SshAgent()
    try:
        monkeypatch.setenv("SSH_AUTH_SOCK", str(agent.socket))
        key = make_ssh_key(tmp_path / "agent", "ada-agent")
        agent.add(key)
        key.private.unlink()
        (signed_repo.path / ".github/allowed_signers").write_text(
            allowed_line("ada@example.org", key) + "\n"
        )
        signed_repo.commit({}, "rotate key")
        git(signed_repo.path, "config", "user.signingkey", str(key.public))
        code, out = verify(record(signed_repo), capsys)
        assert code == 0, out
    finally:
        agent.stop()


def test_second_maintainer_adds_a_signature_and_threshold_is_enforced(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bea = make_ssh_key(tmp_path / "bea", "bea")
    (signed_repo.path / ".github/allowed_signers").write_text(
        allowed_line("ada@example.org", signed_repo.key)
        + "\n"
        + allowed_line("bea@example.org", bea)
        + "\n"
    )
    (signed_repo.path / ".release-gate.yaml").write_text(
        "ownership:\n  planning: '#171'\nrecords:\n  threshold: 2\n"
    )
    signed_repo.commit({}, "two maintainers must sign")
    answers = tmp_path / "two.yaml"
    answers.write_text(answers_yaml(makers=[("Bea Reviewer", "bea@example.org")]))
    envelope = record(signed_repo, answers=answers)
    code, out = verify(envelope, capsys)
    assert code == 1 and "threshold is 2" in out
    git(signed_repo.path, "config", "user.email", "bea@example.org")
    git(signed_repo.path, "config", "user.signingkey", str(bea.private))
    assert main(["sign", str(envelope)]) == 0
    code, out = verify(envelope, capsys)
    assert code == 0, out
    assert "ada@example.org" in out and "bea@example.org" in out


def test_sign_refuses_someone_who_is_not_a_decision_maker(
    signed_repo: SignedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = record(signed_repo)
    git(signed_repo.path, "config", "user.email", "eve@example.org")
    assert main(["sign", str(envelope)]) == 1
    assert "eve@example.org is not among the record's decision-makers" in capsys.readouterr().err


def test_openpgp_signed_record_verifies_against_the_repository_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.signing.keys import make_gpg_identity, remove_gpg_home
    from wizard.sample import build_seed_repo

    bob = make_gpg_identity(tmp_path / "keyring", "Bob Builder", "bob@example.org")
    try:
        monkeypatch.setenv("GNUPGHOME", str(bob.home))
        repo = build_seed_repo(
            tmp_path / "repo", {".github/release-gate-keys.asc": bob.keyring.read_text()}
        )
        git(repo, "config", "gpg.format", "openpgp")
        git(repo, "config", "user.signingkey", bob.fingerprint)
        answers = tmp_path / "bob.yaml"
        answers.write_text(answers_yaml(signer=("Bob Builder", "bob@example.org")))
        assert (
            main(
                [
                    "decide",
                    str(repo),
                    "--candidate",
                    "dual",
                    "--decision",
                    "keep",
                    "--answers",
                    str(answers),
                    "--sign",
                ]
            )
            == 0
        )
        envelope = next((repo / "docs/decisions/release-authority").glob("*.intoto.json"))
        code, out = verify(envelope, capsys)
        assert code == 0, out
        assert f"bob@example.org (openpgp {bob.fingerprint})" in out
        data = json.loads(envelope.read_text())
        payload = bytearray(base64.b64decode(data["payload"]))
        payload[payload.index(b'"keep"') + 1] = ord("K")
        data["payload"] = base64.b64encode(bytes(payload)).decode()
        envelope.write_text(json.dumps(data))
        code, out = verify(envelope, capsys)
        assert code == 1 and "signature" in out
    finally:
        remove_gpg_home(bob.home)
