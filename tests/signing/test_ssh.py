"""SSH signing and verification through ssh-keygen, with key files and an ssh-agent."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.signing.keys import (
    NAMESPACE,
    SshAgent,
    SshKey,
    flip_ssh_signature_byte,
    make_ssh_key,
    write_allowed_signers,
)
from wizard.signing.errors import AllowedSignersError, SigningError, VerificationError
from wizard.signing.ssh import LITERAL_PREFIX, sign_ssh, verify_ssh
from wizard.signing.sshformat import parse_public_key

DATA = b"DSSEv1 28 application/vnd.in-toto+json 2 {}"


@pytest.fixture
def signers(tmp_path: Path, alice: SshKey) -> Path:
    return write_allowed_signers(
        tmp_path / "allowed_signers",
        f'alice@example.org namespaces="{NAMESPACE}" {alice.public_text}',
    )


def test_sign_with_a_key_file_and_verify(alice: SshKey, signers: Path) -> None:
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    assert signature.startswith("-----BEGIN SSH SIGNATURE-----\n")
    result = verify_ssh(DATA, signature, signers, NAMESPACE)
    assert result.principal == "alice@example.org"
    assert result.fingerprint == alice.fingerprint


def test_an_existing_sig_file_next_to_the_data_plays_no_part(alice: SshKey, tmp_path: Path) -> None:
    (tmp_path / "record.json.sig").write_text("stale", encoding="ascii")
    first = sign_ssh(b"one", str(alice.private), NAMESPACE)
    second = sign_ssh(b"two", str(alice.private), NAMESPACE)
    assert first != second
    assert (tmp_path / "record.json.sig").read_text(encoding="ascii") == "stale"


def test_sign_with_a_tilde_path(alice: SshKey, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(alice.private.parent))
    signature = sign_ssh(DATA, "~/alice", NAMESPACE)
    assert signature.startswith("-----BEGIN SSH SIGNATURE-----")


def test_agent_only_key_signs_through_its_public_key_file(carol: SshKey, tmp_path: Path) -> None:
    assert not carol.private.exists()
    signers = write_allowed_signers(tmp_path / "as", f"carol@example.org {carol.public_text}")
    signature = sign_ssh(DATA, str(carol.public), NAMESPACE)
    assert verify_ssh(DATA, signature, signers, NAMESPACE).principal == "carol@example.org"


def test_agent_only_key_signs_through_a_key_literal(carol: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(tmp_path / "as", f"carol@example.org {carol.public_text}")
    signature = sign_ssh(DATA, carol.literal, NAMESPACE)
    result = verify_ssh(DATA, signature, signers, NAMESPACE)
    assert (result.principal, result.fingerprint) == ("carol@example.org", carol.fingerprint)


def test_key_literal_without_an_agent_says_so(alice: SshKey) -> None:
    with pytest.raises(SigningError) as raised:
        sign_ssh(DATA, alice.literal, NAMESPACE)
    message = str(raised.value)
    assert message.startswith(f"ssh-keygen could not sign with key {alice.fingerprint}: ")
    assert "No private key found for public key" in message
    assert "SSH_AUTH_SOCK is not set" in message
    assert tempfile.gettempdir() not in message


def test_key_unknown_to_the_running_agent(agent: SshAgent, tmp_path: Path) -> None:
    stranger = make_ssh_key(tmp_path / "stranger", "eve")
    stranger.private.unlink()
    with pytest.raises(SigningError, match="No private key found for public key") as raised:
        sign_ssh(DATA, str(stranger.public), NAMESPACE)
    assert "SSH_AUTH_SOCK" not in str(raised.value)


def test_wrong_passphrase_fails_without_prompting(tmp_path: Path) -> None:
    locked = make_ssh_key(tmp_path / "locked", "locked", passphrase="correct horse")
    with pytest.raises(SigningError) as raised:
        sign_ssh(DATA, str(locked.private), NAMESPACE)
    assert str(raised.value) == (
        f"ssh-keygen could not sign with {locked.private}: "
        f'Load key "{locked.private}": incorrect passphrase supplied to decrypt private key'
    )


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match=r"the SSH signing key .*nope does not exist"):
        sign_ssh(DATA, str(tmp_path / "nope"), NAMESPACE)


def test_malformed_key_literal() -> None:
    with pytest.raises(SigningError, match="the configured SSH signing key is not a public key"):
        sign_ssh(DATA, "key::ssh-ed25519 AAAA", NAMESPACE)


def test_ssh_fingerprint_of_text_and_literal(alice: SshKey) -> None:
    assert parse_public_key(alice.public_text.removeprefix(LITERAL_PREFIX)).fingerprint == alice.fingerprint
    assert parse_public_key(alice.literal.removeprefix(LITERAL_PREFIX)).fingerprint == alice.fingerprint


def test_tampered_data_does_not_verify(alice: SshKey, signers: Path) -> None:
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    with pytest.raises(VerificationError) as raised:
        verify_ssh(DATA[:-1] + b"]", signature, signers, NAMESPACE)
    assert str(raised.value) == (
        f"signature does not verify (key {alice.fingerprint}): "
        "Signature verification failed: incorrect signature"
    )


def test_tampered_signature_does_not_verify(alice: SshKey, signers: Path) -> None:
    signature = flip_ssh_signature_byte(sign_ssh(DATA, str(alice.private), NAMESPACE))
    with pytest.raises(VerificationError, match=r"^signature does not verify"):
        verify_ssh(DATA, signature, signers, NAMESPACE)


def test_signer_not_in_allowed_signers(tmp_path: Path, signers: Path) -> None:
    stranger = make_ssh_key(tmp_path / "stranger", "eve")
    signature = sign_ssh(DATA, str(stranger.private), NAMESPACE)
    with pytest.raises(VerificationError) as raised:
        verify_ssh(DATA, signature, signers, NAMESPACE)
    assert str(raised.value) == f"key {stranger.fingerprint} not in allowed_signers {signers}"


def test_signature_made_for_another_namespace(alice: SshKey, signers: Path) -> None:
    signature = sign_ssh(DATA, str(alice.private), "git")
    with pytest.raises(VerificationError) as raised:
        verify_ssh(DATA, signature, signers, NAMESPACE)
    assert str(raised.value) == (
        f"namespace mismatch: the signature was made for namespace 'git', not '{NAMESPACE}'"
    )


def test_key_not_allowed_for_the_namespace(alice: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org namespaces="git" {alice.public_text}'
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    with pytest.raises(VerificationError) as raised:
        verify_ssh(DATA, signature, signers, NAMESPACE)
    assert str(raised.value) == (
        f"namespace '{NAMESPACE}' is not allowed for key {alice.fingerprint} by {signers} "
        "line 1 (namespaces='git')"
    )


def test_key_past_its_valid_before(alice: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org valid-before="20200101Z" {alice.public_text}'
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    with pytest.raises(VerificationError) as raised:
        verify_ssh(DATA, signature, signers, NAMESPACE, datetime(2026, 4, 16, 12, tzinfo=UTC))
    assert str(raised.value) == (
        f"key {alice.fingerprint} not valid at 2026-04-16 12:00:00 UTC: {signers} line 1 "
        "makes it valid before 2020-01-01 00:00:00 UTC"
    )


def test_key_before_its_valid_after(alice: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org valid-after="20990101Z" {alice.public_text}'
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    with pytest.raises(
        VerificationError, match=r"not valid at .* valid after 2099-01-01 00:00:00 UTC"
    ):
        verify_ssh(DATA, signature, signers, NAMESPACE)


def test_verify_time_inside_a_past_window_is_accepted_by_ssh_keygen(
    alice: SshKey, tmp_path: Path
) -> None:
    # A rotated-out key still verifies records signed while it was valid.
    signers = write_allowed_signers(
        tmp_path / "as",
        f'alice@example.org valid-after="20190101Z",valid-before="20200101Z" {alice.public_text}',
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    when = datetime(2019, 6, 1, 8, 30, tzinfo=UTC)
    assert verify_ssh(DATA, signature, signers, NAMESPACE, when).principal == "alice@example.org"


def test_the_first_principal_of_the_line_is_reported(alice: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as",
        f'"ada@example.org,alice@example.org" {alice.public_text}',
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    assert verify_ssh(DATA, signature, signers, NAMESPACE).principal == "ada@example.org"


def test_the_principal_whose_line_admits_the_namespace_is_chosen(
    alice: SshKey, tmp_path: Path
) -> None:
    # ssh-keygen -Y find-principals lists both; only the second line allows this namespace.
    signers = write_allowed_signers(
        tmp_path / "as",
        f'alice-commits@example.org namespaces="git" {alice.public_text}',
        f'alice@example.org namespaces="{NAMESPACE}" {alice.public_text}',
    )
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    assert verify_ssh(DATA, signature, signers, NAMESPACE).principal == "alice@example.org"


def test_malformed_allowed_signers_is_a_trust_root_error(alice: SshKey, tmp_path: Path) -> None:
    signers = write_allowed_signers(tmp_path / "as", "alice@example.org oops")
    signature = sign_ssh(DATA, str(alice.private), NAMESPACE)
    with pytest.raises(AllowedSignersError, match=r"as line 1: the line has no public key$"):
        verify_ssh(DATA, signature, signers, NAMESPACE)


def test_malformed_signature_text(signers: Path) -> None:
    with pytest.raises(VerificationError, match=r"^the SSH signature is malformed: "):
        verify_ssh(DATA, "-----BEGIN SSH SIGNATURE-----\n", signers, NAMESPACE)


def test_temporary_files_are_removed(
    alice: SshKey, carol: SshKey, signers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    verify_ssh(DATA, sign_ssh(DATA, str(alice.private), NAMESPACE), signers, NAMESPACE)
    sign_ssh(DATA, carol.literal, NAMESPACE)
    assert list(private_tmp.iterdir()) == []


def test_signature_bytes_match_ssh_keygen_reading_a_file(alice: SshKey, tmp_path: Path) -> None:
    # ed25519 SSH signatures are deterministic: stdin signing equals file signing.
    (tmp_path / "payload").write_bytes(DATA)
    subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "sign",
            "-f",
            str(alice.private),
            "-n",
            NAMESPACE,
            str(tmp_path / "payload"),
        ],
        check=True,
        capture_output=True,
    )
    expected = (tmp_path / "payload.sig").read_text(encoding="ascii")
    assert sign_ssh(DATA, str(alice.private), NAMESPACE) == expected
