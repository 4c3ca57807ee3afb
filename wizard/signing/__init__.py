"""Signing layer for decision records: DSSE envelopes signed with SSH or OpenPGP keys.

`sign_envelope` adds the maintainer's signature (key from git's signing config) over the DSSE
pre-authentication bytes; `verify_envelope` checks every signature against trust roots kept in
the repository (an allowed_signers file, an armored OpenPGP keyring).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from wizard.signing.dsse import (
    PAYLOAD_TYPE,
    Envelope,
    EnvelopeSignature,
    decode_base64,
    encode_base64,
    pae,
)
from wizard.signing.errors import (
    AllowedSignersError,
    EnvelopeError,
    KeyringError,
    SigningError,
    TrustRootError,
    VerificationError,
)
from wizard.signing.gitconfig import SignatureFormat, SigningConfig, signing_config
from wizard.signing.openpgp import create_openpgp_signature, is_openpgp_signature, verify_openpgp
from wizard.signing.ssh import sign_ssh, verify_ssh
from wizard.signing.sshformat import SshFormatError, is_ssh_signature, parse_ssh_signature

__all__ = [
    "PAYLOAD_TYPE",
    "AllowedSignersError",
    "Envelope",
    "EnvelopeError",
    "EnvelopeSignature",
    "KeyringError",
    "SignatureFormat",
    "SigningConfig",
    "SigningError",
    "TrustRootError",
    "TrustRoots",
    "VerificationError",
    "VerifiedSignature",
    "pae",
    "sign_envelope",
    "signing_config",
    "verify_envelope",
]


@dataclass(frozen=True)
class TrustRoots:
    allowed_signers: Path | None = None
    """OpenSSH allowed_signers file deciding which SSH keys may sign, for which namespace."""
    openpgp_keyring: Path | None = None
    """Armored OpenPGP public keys; only these are trusted for OpenPGP signatures."""


@dataclass(frozen=True)
class VerifiedSignature:
    principal: str
    """SSH: the allowed_signers principal; OpenPGP: the primary user id's e-mail address."""
    fingerprint: str
    format: SignatureFormat


def sign_envelope(envelope: Envelope, config: SigningConfig, namespace: str) -> Envelope:
    """A copy of `envelope` with one more signature, made over its PAE bytes with the
    configured key. `namespace` scopes SSH signatures (OpenPGP has no such notion).

    Raises SigningError when no signature can be made or this key already signed.
    """
    if config.key is None:
        raise SigningError("no signing key is configured in git (user.signingkey)")
    data = envelope.pae()
    if config.format == "ssh":
        armored = sign_ssh(data, config.key, namespace, program=config.program or "ssh-keygen")
        try:
            keyid = parse_ssh_signature(armored).public_key.fingerprint
        except SshFormatError as exc:
            raise SigningError(f"ssh-keygen produced a malformed signature: {exc}") from None
    else:
        made = create_openpgp_signature(data, config.key, program=config.program or "gpg")
        armored, keyid = made.armored, made.fingerprint
    if any(existing.keyid == keyid for existing in envelope.signatures):
        raise SigningError(f"the record already carries a signature by key {keyid}")
    added = EnvelopeSignature(keyid=keyid, sig=encode_base64(armored.encode("ascii")))
    return replace(envelope, signatures=[*envelope.signatures, added])


def verify_envelope(
    envelope: Envelope,
    trust: TrustRoots,
    namespace: str,
    verify_time: datetime | None = None,
) -> list[VerifiedSignature]:
    """Verify every signature over the envelope's PAE bytes, in order; one result each.

    The first failure raises VerificationError naming the signature (1-based in the message,
    0-based in `.index`) and the reason. `verify_time` sets the moment SSH validity windows are
    checked at. Raises TrustRootError when a trust root a signature needs is missing or unusable.
    """
    if not envelope.signatures:
        raise VerificationError("the record is not signed")
    data = envelope.pae()
    total = len(envelope.signatures)
    verified = []
    for index, signature in enumerate(envelope.signatures):
        label = f"signature {index + 1} of {total}"
        try:
            verified.append(_verify_one(data, signature, trust, namespace, verify_time, label))
        except VerificationError as exc:
            raise VerificationError(f"{label}: {exc}", index=index) from None
    return verified


def _verify_one(
    data: bytes,
    signature: EnvelopeSignature,
    trust: TrustRoots,
    namespace: str,
    verify_time: datetime | None,
    label: str,
) -> VerifiedSignature:
    armored = _armored_text(signature)
    if is_ssh_signature(armored):
        if trust.allowed_signers is None:
            raise TrustRootError(
                f"{label} is an SSH signature, but no allowed_signers file is given"
            )
        ssh = verify_ssh(data, armored, trust.allowed_signers, namespace, verify_time)
        return VerifiedSignature(principal=ssh.principal, fingerprint=ssh.fingerprint, format="ssh")
    if is_openpgp_signature(armored):
        if trust.openpgp_keyring is None:
            raise TrustRootError(f"{label} is an OpenPGP signature, but no keyring is given")
        pgp = verify_openpgp(data, armored, trust.openpgp_keyring)
        return VerifiedSignature(
            principal=pgp.principal, fingerprint=pgp.fingerprint, format="openpgp"
        )
    raise VerificationError("the signature is neither SSH nor OpenPGP armored text")


def _armored_text(signature: EnvelopeSignature) -> str:
    try:
        return decode_base64(signature.sig, "the signature").decode("ascii")
    except (EnvelopeError, UnicodeDecodeError):
        raise VerificationError("the signature is not base64 of armored ASCII text") from None
