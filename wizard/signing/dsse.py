"""DSSE v1 envelopes: the pre-authentication encoding that is signed, and the JSON shape.

DSSE signs the exact payload bytes it carries, so no JSON canonicalisation is involved: the
payload is transmitted base64-encoded and verified before anyone parses it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from wizard.signing.errors import EnvelopeError

PAYLOAD_TYPE = "application/vnd.in-toto+json"

_URL_SAFE_TO_STANDARD = str.maketrans("-_", "+/")


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSEv1 pre-authentication encoding: `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`."""
    encoded_type = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(encoded_type), encoded_type, len(payload), payload)


def encode_base64(data: bytes) -> str:
    """Standard-alphabet, padded base64 (what DSSE writers emit)."""
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: str, what: str) -> bytes:
    """Decode standard or URL-safe base64, padded or not; raise EnvelopeError naming `what`."""
    standard = text.translate(_URL_SAFE_TO_STANDARD)
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise EnvelopeError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class EnvelopeSignature:
    keyid: str
    """An unauthenticated hint (SSH `SHA256:` or OpenPGP fingerprint); never used to decide."""
    sig: str
    """Standard base64 of the armored signature text."""


@dataclass(frozen=True)
class Envelope:
    payload: bytes
    payload_type: str
    signatures: list[EnvelopeSignature] = field(default_factory=list)

    def pae(self) -> bytes:
        """The bytes every signature of this envelope is made over."""
        return pae(self.payload_type, self.payload)

    def to_json(self) -> dict[str, object]:
        return {
            "payload": encode_base64(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": s.keyid, "sig": s.sig} for s in self.signatures],
        }

    @classmethod
    def from_json(cls, data: object) -> Envelope:
        """Validate a parsed JSON value as a DSSE envelope; unknown members are ignored."""
        if not isinstance(data, dict):
            raise EnvelopeError("the envelope is not a JSON object")
        payload = data.get("payload")
        if not isinstance(payload, str):
            raise EnvelopeError('the envelope has no "payload" string')
        payload_type = data.get("payloadType")
        if not isinstance(payload_type, str) or not payload_type:
            raise EnvelopeError('the envelope has no "payloadType" string')
        raw_signatures = data.get("signatures")
        if not isinstance(raw_signatures, list):
            raise EnvelopeError('the envelope has no "signatures" list')
        signatures = [
            _signature_from_json(item, number)
            for number, item in enumerate(raw_signatures, start=1)
        ]
        return cls(
            payload=decode_base64(payload, "the envelope payload"),
            payload_type=payload_type,
            signatures=signatures,
        )


def _signature_from_json(item: object, number: int) -> EnvelopeSignature:
    if not isinstance(item, dict) or not isinstance(item.get("sig"), str) or not item["sig"]:
        raise EnvelopeError(
            f'signature {number} in the envelope is not an object with a "sig" string'
        )
    keyid = item.get("keyid", "")
    if not isinstance(keyid, str):
        raise EnvelopeError(
            f'signature {number} in the envelope has a "keyid" that is not a string'
        )
    raw = decode_base64(item["sig"], f"signature {number} in the envelope")
    return EnvelopeSignature(keyid=keyid, sig=encode_base64(raw))
