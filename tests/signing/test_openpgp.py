"""OpenPGP signing with the user's gpg, verification in a throwaway home from a keyring file."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.signing.keys import GpgIdentity
from wizard.signing.errors import KeyringError, SigningError, VerificationError
from wizard.signing.openpgp import create_openpgp_signature, verify_openpgp

DATA = b"DSSEv1 28 application/vnd.in-toto+json 2 {}"


def test_sign_and_verify_against_the_keyring_file(bob: GpgIdentity) -> None:
    signature = create_openpgp_signature(DATA, bob.email).armored
    assert signature.startswith("-----BEGIN PGP SIGNATURE-----")
    result = verify_openpgp(DATA, signature, bob.keyring)
    assert result.fingerprint == bob.fingerprint
    assert result.uids == ("Bob <bob@example.org>",)
    assert result.principal == "bob@example.org"


def test_signing_reports_the_signing_key_fingerprint(bob: GpgIdentity) -> None:
    made = create_openpgp_signature(DATA, bob.fingerprint)
    assert made.fingerprint == bob.fingerprint


def test_signature_by_a_key_not_in_the_keyring(
    bob: GpgIdentity, gpg_identity: Callable[..., GpgIdentity]
) -> None:
    mallory = gpg_identity("Mallory", "mallory@example.org")
    signature = create_openpgp_signature(DATA, mallory.email).armored
    with pytest.raises(VerificationError) as raised:
        verify_openpgp(DATA, signature, bob.keyring)
    assert str(raised.value) == (
        f"OpenPGP key {mallory.fingerprint[-16:]} not in the keyring {bob.keyring}"
    )


def test_the_users_own_keyring_is_not_trusted(
    bob: GpgIdentity, gpg_identity: Callable[..., GpgIdentity]
) -> None:
    # GNUPGHOME holds Mallory's key, but only the repository's keyring file counts.
    mallory = gpg_identity("Mallory", "mallory@example.org")
    signature = create_openpgp_signature(DATA, mallory.email).armored
    assert os.environ["GNUPGHOME"] == str(mallory.home)
    with pytest.raises(VerificationError, match="not in the keyring"):
        verify_openpgp(DATA, signature, bob.keyring)


def test_tampered_payload(bob: GpgIdentity) -> None:
    signature = create_openpgp_signature(DATA, bob.email).armored
    with pytest.raises(VerificationError) as raised:
        verify_openpgp(DATA.replace(b"{}", b"{ }"), signature, bob.keyring)
    assert str(raised.value) == f"signature does not verify (OpenPGP key {bob.fingerprint[-16:]})"


def test_expired_key(gpg_identity: Callable[..., GpgIdentity]) -> None:
    old = gpg_identity("Old", "old@example.org", "--faked-system-time", "20200101T000000")
    # The key expired in 2021; the signature is made while it was still valid.
    signature = subprocess.run(
        [
            "gpg",
            "--batch",
            "--faked-system-time",
            "20200601T000000",
            "--armor",
            "--detach-sign",
            "--local-user",
            old.email,
        ],
        input=DATA,
        capture_output=True,
        check=True,
    ).stdout.decode("ascii")
    with pytest.raises(VerificationError, match=f"OpenPGP key {old.fingerprint[-16:]} has expired"):
        verify_openpgp(DATA, signature, old.keyring)


def test_keyring_with_two_keys_and_other_text(
    bob: GpgIdentity, gpg_identity: Callable[..., GpgIdentity], tmp_path: Path
) -> None:
    carol = gpg_identity("Carol", "carol@example.org")
    keyring = tmp_path / "maintainers.asc"
    keyring.write_text(
        "Release maintainers\n"
        + bob.keyring.read_text()
        + "\nnot a key\n"
        + carol.keyring.read_text(),
        encoding="utf-8",
    )
    signature = create_openpgp_signature(DATA, carol.email).armored
    assert verify_openpgp(DATA, signature, keyring).fingerprint == carol.fingerprint


def test_keyring_without_keys(bob: GpgIdentity, tmp_path: Path) -> None:
    signature = create_openpgp_signature(DATA, bob.email).armored
    empty = tmp_path / "empty.asc"
    empty.write_text("no keys here\n", encoding="utf-8")
    with pytest.raises(KeyringError, match="holds no armored public key block"):
        verify_openpgp(DATA, signature, empty)
    with pytest.raises(KeyringError, match=r"missing\.asc cannot be read"):
        verify_openpgp(DATA, signature, tmp_path / "missing.asc")


def test_garbage_key_block_cannot_be_imported(bob: GpgIdentity, tmp_path: Path) -> None:
    broken = tmp_path / "broken.asc"
    broken.write_text(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n",
        encoding="utf-8",
    )
    with pytest.raises(KeyringError, match=r"broken\.asc cannot be imported"):
        verify_openpgp(DATA, create_openpgp_signature(DATA, bob.email).armored, broken)


def test_signing_with_an_unknown_key(bob: GpgIdentity) -> None:
    with pytest.raises(SigningError, match=r"^gpg could not sign with key nobody@example\.org: "):
        create_openpgp_signature(DATA, "nobody@example.org")


def test_locked_key_fails_instead_of_prompting(gpg_identity: Callable[..., GpgIdentity]) -> None:
    locked = gpg_identity("Locked", "locked@example.org", passphrase="correct horse")
    with pytest.raises(SigningError) as raised:
        create_openpgp_signature(DATA, locked.email)
    assert str(raised.value) == (
        "gpg could not sign with key locked@example.org: signing failed: No pinentry; "
        "release-gate never prompts, so unlock the key in gpg-agent first"
    )


def test_verification_leaves_no_files_or_agents_behind(
    bob: GpgIdentity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    verify_openpgp(DATA, create_openpgp_signature(DATA, bob.email).armored, bob.keyring)
    assert list(private_tmp.iterdir()) == []
    agents = [
        cmdline
        for cmdline in (_cmdline(pid) for pid in os.listdir("/proc") if pid.isdigit())
        if "gpg-agent" in cmdline and str(private_tmp) in cmdline
    ]
    assert agents == []


def _cmdline(pid: str) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline")
            .read_bytes()
            .replace(b"\0", b" ")
            .decode("utf-8", "replace")
        )
    except OSError:
        return ""
