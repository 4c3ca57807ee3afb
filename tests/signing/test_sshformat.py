"""Reading OpenSSH public keys and SSHSIG blobs, cross-checked with ssh-keygen."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from tests.signing.keys import SshKey
from wizard.signing.sshformat import (
    SshFormatError,
    is_ssh_signature,
    looks_like_public_key,
    parse_public_key,
    parse_ssh_signature,
)


def _ssh_sign(key: SshKey, namespace: str, data: bytes) -> str:
    return subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key.private), "-n", namespace],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode("ascii")


@pytest.mark.parametrize("key_type", ["ed25519", "ecdsa", "rsa"])
def test_fingerprint_equals_ssh_keygen(tmp_path: Path, key_type: str) -> None:
    private = tmp_path / key_type
    subprocess.run(
        ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-f", str(private)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(private) + ".pub"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1]
    key = parse_public_key((tmp_path / f"{key_type}.pub").read_text())
    assert key.fingerprint == listed
    assert key.openssh() == " ".join((tmp_path / f"{key_type}.pub").read_text().split()[:2])


def test_signature_names_its_key_and_namespace(alice: SshKey) -> None:
    armored = _ssh_sign(alice, "release-gate@example.org", b"data")
    assert is_ssh_signature(armored)
    claimed = parse_ssh_signature(armored)
    assert claimed.public_key.fingerprint == alice.fingerprint
    assert claimed.namespace == "release-gate@example.org"
    assert claimed.hash_algorithm == "sha512"
    assert not claimed.public_key.is_certificate


def _rearmor(blob: bytes) -> str:
    body = base64.b64encode(blob).decode("ascii")
    return f"-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----\n"


def test_malformed_signatures_are_rejected(alice: SshKey) -> None:
    armored = _ssh_sign(alice, "ns", b"data")
    blob = base64.b64decode("".join(armored.strip().splitlines()[1:-1]))
    cases = {
        "not armor": ("hello", "not enclosed in SSH SIGNATURE armor"),
        "bad base64": (armored.replace("U1NI", "U1N*"), "not valid base64"),
        "bad magic": (_rearmor(b"XXHSIG" + blob[6:]), "SSHSIG magic"),
        "version 2": (_rearmor(blob[:9] + b"\x02" + blob[10:]), "version 2 is not supported"),
        "truncated": (_rearmor(blob[:40]), "data ends in the middle"),
        "trailing data": (_rearmor(blob + b"\x00"), "trailing data"),
    }
    for name, (text, message) in cases.items():
        with pytest.raises(SshFormatError) as raised:
            parse_ssh_signature(text)
        assert message in str(raised.value), name


def test_public_key_text_errors(alice: SshKey) -> None:
    blob = alice.public_text.split()[1]
    with pytest.raises(SshFormatError, match="needs a key type and base64 key data"):
        parse_public_key("ssh-ed25519")
    with pytest.raises(SshFormatError, match="'ssh-foo' is not an SSH public key type"):
        parse_public_key(f"ssh-foo {blob}")
    with pytest.raises(SshFormatError, match="encodes a ssh-ed25519 key, not ecdsa-sha2-nistp256"):
        parse_public_key(f"ecdsa-sha2-nistp256 {blob}")
    assert looks_like_public_key(alice.public_text)
    assert not looks_like_public_key("~/.ssh/id_ed25519.pub")
