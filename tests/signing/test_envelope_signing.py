"""The pair records use: sign_envelope / verify_envelope, with every tampering case on its own."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.signing.keys import (
    NAMESPACE,
    GpgIdentity,
    SshKey,
    flip_ssh_signature_byte,
    make_ssh_key,
    write_allowed_signers,
)
from wizard.signing import (
    PAYLOAD_TYPE,
    Envelope,
    EnvelopeSignature,
    SigningConfig,
    SigningError,
    TrustRootError,
    TrustRoots,
    VerificationError,
    VerifiedSignature,
    sign_envelope,
    verify_envelope,
)

STATEMENT = json.dumps(
    {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "0001-keep.md", "digest": {"sha256": "ab" * 32}}],
        "predicateType": "https://release-gate.dev/decision/v1",
        "predicate": {"decision": "keep"},
    },
    indent=2,
).encode()


def unsigned() -> Envelope:
    return Envelope(payload=STATEMENT, payload_type=PAYLOAD_TYPE)


def ssh_config(key: SshKey) -> SigningConfig:
    return SigningConfig(format="ssh", key=str(key.private), program=None)


@pytest.fixture
def signers(tmp_path: Path, alice: SshKey) -> Path:
    return write_allowed_signers(
        tmp_path / "allowed_signers", f"alice@example.org {alice.public_text}"
    )


@pytest.fixture
def signed(alice: SshKey) -> Envelope:
    return sign_envelope(unsigned(), ssh_config(alice), NAMESPACE)


def first_failure(envelope: Envelope, trust: TrustRoots, **kwargs: object) -> VerificationError:
    with pytest.raises(VerificationError) as raised:
        verify_envelope(envelope, trust, NAMESPACE, **kwargs)  # type: ignore[arg-type]
    return raised.value


def test_ssh_signature_verifies(alice: SshKey, signed: Envelope, signers: Path) -> None:
    assert signed.signatures[0].keyid == alice.fingerprint
    armored = base64.b64decode(signed.signatures[0].sig).decode("ascii")
    assert armored.startswith("-----BEGIN SSH SIGNATURE-----")
    assert verify_envelope(signed, TrustRoots(allowed_signers=signers), NAMESPACE) == [
        VerifiedSignature(
            principal="alice@example.org", fingerprint=alice.fingerprint, format="ssh"
        )
    ]


def test_signing_does_not_change_the_given_envelope(signed: Envelope) -> None:
    original = unsigned()
    assert original.signatures == []
    assert signed.payload == original.payload and signed.payload_type == original.payload_type


def test_two_maintainers_sign_and_both_verify(
    alice: SshKey, carol: SshKey, signed: Envelope, tmp_path: Path
) -> None:
    # Carol's private key exists only in ssh-agent; git config names it as a key:: literal.
    both = sign_envelope(
        signed, SigningConfig(format="ssh", key=carol.literal, program=None), NAMESPACE
    )
    signers = write_allowed_signers(
        tmp_path / "as",
        f"alice@example.org {alice.public_text}",
        f'carol@example.org namespaces="{NAMESPACE}" {carol.public_text}',
    )
    result = verify_envelope(both, TrustRoots(allowed_signers=signers), NAMESPACE)
    assert [(v.principal, v.fingerprint) for v in result] == [
        ("alice@example.org", alice.fingerprint),
        ("carol@example.org", carol.fingerprint),
    ]


def test_ssh_and_openpgp_signatures_on_one_record(
    alice: SshKey, bob: GpgIdentity, signed: Envelope, signers: Path
) -> None:
    both = sign_envelope(
        signed, SigningConfig(format="openpgp", key=bob.email, program=None), NAMESPACE
    )
    assert both.signatures[1].keyid == bob.fingerprint
    trust = TrustRoots(allowed_signers=signers, openpgp_keyring=bob.keyring)
    assert verify_envelope(both, trust, NAMESPACE) == [
        VerifiedSignature("alice@example.org", alice.fingerprint, "ssh"),
        VerifiedSignature("bob@example.org", bob.fingerprint, "openpgp"),
    ]


def test_json_round_trip_of_a_signed_envelope_still_verifies(
    signed: Envelope, signers: Path
) -> None:
    text = json.dumps(signed.to_json(), indent=2)
    reread = Envelope.from_json(json.loads(text))
    assert reread == signed
    assert len(verify_envelope(reread, TrustRoots(allowed_signers=signers), NAMESPACE)) == 1


def test_signing_twice_with_the_same_key_is_refused(alice: SshKey, signed: Envelope) -> None:
    with pytest.raises(SigningError) as raised:
        sign_envelope(signed, ssh_config(alice), NAMESPACE)
    assert str(raised.value) == f"the record already carries a signature by key {alice.fingerprint}"


def test_config_without_a_key() -> None:
    with pytest.raises(SigningError, match="no signing key is configured"):
        sign_envelope(unsigned(), SigningConfig(format="ssh", key=None, program=None), NAMESPACE)


def test_unsigned_record_fails(signers: Path) -> None:
    error = first_failure(unsigned(), TrustRoots(allowed_signers=signers))
    assert str(error) == "the record is not signed"
    assert error.index is None


def test_one_byte_changed_in_the_payload(signed: Envelope, signers: Path) -> None:
    tampered = replace(signed, payload=signed.payload.replace(b'"keep"', b'"kee!"'))
    error = first_failure(tampered, TrustRoots(allowed_signers=signers))
    assert str(error).startswith("signature 1 of 1: signature does not verify")
    assert error.index == 0


def test_one_byte_changed_in_the_payload_type(signed: Envelope, signers: Path) -> None:
    tampered = replace(signed, payload_type=PAYLOAD_TYPE.replace("json", "jsoN"))
    error = first_failure(tampered, TrustRoots(allowed_signers=signers))
    assert str(error).startswith("signature 1 of 1: signature does not verify")


def test_one_byte_changed_in_the_signature(signed: Envelope, signers: Path) -> None:
    armored = base64.b64decode(signed.signatures[0].sig).decode("ascii")
    flipped = base64.b64encode(flip_ssh_signature_byte(armored).encode()).decode()
    tampered = replace(signed, signatures=[replace(signed.signatures[0], sig=flipped)])
    error = first_failure(tampered, TrustRoots(allowed_signers=signers))
    assert str(error).startswith("signature 1 of 1: signature does not verify")


def test_a_signer_not_in_allowed_signers(signed: Envelope, signers: Path, tmp_path: Path) -> None:
    eve = make_ssh_key(tmp_path / "eve", "eve")
    both = sign_envelope(signed, ssh_config(eve), NAMESPACE)
    error = first_failure(both, TrustRoots(allowed_signers=signers))
    assert str(error) == f"signature 2 of 2: key {eve.fingerprint} not in allowed_signers {signers}"
    assert error.index == 1


def test_signed_with_the_git_namespace(alice: SshKey, signers: Path) -> None:
    commit_style = sign_envelope(unsigned(), ssh_config(alice), "git")
    error = first_failure(commit_style, TrustRoots(allowed_signers=signers))
    assert str(error) == (
        "signature 1 of 1: namespace mismatch: the signature was made for namespace 'git', "
        f"not '{NAMESPACE}'"
    )


def test_a_key_past_its_valid_before(alice: SshKey, signed: Envelope, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org valid-before="20200101Z" {alice.public_text}'
    )
    error = first_failure(signed, TrustRoots(allowed_signers=signers))
    assert str(error).startswith(f"signature 1 of 1: key {alice.fingerprint} not valid at ")
    assert str(error).endswith("makes it valid before 2020-01-01 00:00:00 UTC")


def test_a_key_before_its_valid_after(alice: SshKey, signed: Envelope, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org valid-after="20990101Z" {alice.public_text}'
    )
    error = first_failure(signed, TrustRoots(allowed_signers=signers))
    assert str(error).endswith("makes it valid after 2099-01-01 00:00:00 UTC")


def test_verify_time_inside_the_window(alice: SshKey, signed: Envelope, tmp_path: Path) -> None:
    signers = write_allowed_signers(
        tmp_path / "as", f'alice@example.org valid-before="20200101Z" {alice.public_text}'
    )
    when = datetime(2019, 12, 31, 23, 0, tzinfo=UTC)
    result = verify_envelope(signed, TrustRoots(allowed_signers=signers), NAMESPACE, when)
    assert result[0].principal == "alice@example.org"


def test_openpgp_key_not_in_the_keyring(
    bob: GpgIdentity, gpg_identity: Callable[..., GpgIdentity]
) -> None:
    mallory = gpg_identity("Mallory", "mallory@example.org")
    config = SigningConfig(format="openpgp", key=mallory.fingerprint, program=None)
    error = first_failure(
        sign_envelope(unsigned(), config, NAMESPACE), TrustRoots(openpgp_keyring=bob.keyring)
    )
    assert str(error) == (
        f"signature 1 of 1: OpenPGP key {mallory.fingerprint[-16:]} "
        f"not in the keyring {bob.keyring}"
    )


def test_openpgp_payload_tampered(bob: GpgIdentity) -> None:
    config = SigningConfig(format="openpgp", key=bob.email, program=None)
    signed = sign_envelope(unsigned(), config, NAMESPACE)
    tampered = replace(signed, payload=signed.payload + b"\n")
    error = first_failure(tampered, TrustRoots(openpgp_keyring=bob.keyring))
    assert str(error) == (
        f"signature 1 of 1: signature does not verify (OpenPGP key {bob.fingerprint[-16:]})"
    )


def test_missing_trust_roots_are_reported_as_such(signed: Envelope, bob: GpgIdentity) -> None:
    with pytest.raises(TrustRootError) as raised:
        verify_envelope(signed, TrustRoots(openpgp_keyring=bob.keyring), NAMESPACE)
    assert str(raised.value) == (
        "signature 1 of 1 is an SSH signature, but no allowed_signers file is given"
    )
    pgp = sign_envelope(unsigned(), SigningConfig("openpgp", bob.email, None), NAMESPACE)
    with pytest.raises(TrustRootError, match="is an OpenPGP signature, but no keyring is given"):
        verify_envelope(pgp, TrustRoots(), NAMESPACE)


def test_signature_that_is_neither_ssh_nor_openpgp(signers: Path) -> None:
    envelope = replace(
        unsigned(),
        signatures=[EnvelopeSignature(keyid="", sig=base64.b64encode(b"hello").decode())],
    )
    error = first_failure(envelope, TrustRoots(allowed_signers=signers))
    assert str(error) == "signature 1 of 1: the signature is neither SSH nor OpenPGP armored text"
    binary = replace(unsigned(), signatures=[EnvelopeSignature(keyid="", sig="/w==")])
    error = first_failure(binary, TrustRoots(allowed_signers=signers))
    assert str(error) == "signature 1 of 1: the signature is not base64 of armored ASCII text"
