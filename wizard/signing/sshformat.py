"""OpenSSH public keys and SSHSIG signatures, read from their wire format (RFC 4251 strings).

Used to name keys by fingerprint and to learn, before calling ssh-keygen, which key and which
namespace a signature claims, so a failure can be reported with its specific reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

PLAIN_KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ssh-dss",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_CERT_SUFFIX = "-cert-v01@openssh.com"
KEY_TYPES = PLAIN_KEY_TYPES | {
    name.removesuffix("@openssh.com") + _CERT_SUFFIX for name in PLAIN_KEY_TYPES
}

MAX_SIGNATURE_TEXT = 64 * 1024
"""Largest armored signature accepted; real ones are under 2 KiB even with certificates."""

_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_MAGIC = b"SSHSIG"


class SshFormatError(ValueError):
    """Text is not a well-formed OpenSSH public key or SSH signature."""


class _WireReader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def uint32(self) -> int:
        if self._pos + 4 > len(self._data):
            raise SshFormatError("data ends in the middle of a number")
        (value,) = struct.unpack_from(">I", self._data, self._pos)
        self._pos += 4
        return int(value)

    def string(self) -> bytes:
        length = self.uint32()
        if self._pos + length > len(self._data):
            raise SshFormatError("data ends in the middle of a field")
        value = self._data[self._pos : self._pos + length]
        self._pos += length
        return value

    def text(self) -> str:
        try:
            return self.string().decode("utf-8")
        except UnicodeDecodeError:
            raise SshFormatError("a name field is not UTF-8 text") from None

    def at_end(self) -> bool:
        return self._pos == len(self._data)


@dataclass(frozen=True)
class SshPublicKey:
    key_type: str
    blob: bytes

    @property
    def fingerprint(self) -> str:
        """`SHA256:` fingerprint exactly as `ssh-keygen -l` prints it."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode("ascii")
        return "SHA256:" + digest.rstrip("=")

    @property
    def is_certificate(self) -> bool:
        return self.key_type.endswith(_CERT_SUFFIX)

    def openssh(self) -> str:
        """The key in `authorized_keys` form, without a comment."""
        return f"{self.key_type} {base64.b64encode(self.blob).decode('ascii')}"


def key_from_blob(blob: bytes) -> SshPublicKey:
    """The public key whose wire encoding is `blob`; its first field names the key type."""
    key_type = _WireReader(blob).text()
    if key_type not in KEY_TYPES:
        raise SshFormatError(f"unsupported key type {key_type!r}")
    return SshPublicKey(key_type=key_type, blob=blob)


def looks_like_public_key(text: str) -> bool:
    """True when `text` starts with an OpenSSH key type name (a literal key, not a path)."""
    first = text.strip().split(maxsplit=1)
    return bool(first) and first[0] in KEY_TYPES


def parse_public_key(text: str) -> SshPublicKey:
    """Parse `TYPE BASE64 [COMMENT]`; the type named in the text must match the encoded one."""
    fields = text.strip().split(maxsplit=2)
    if len(fields) < 2:
        raise SshFormatError("an SSH public key needs a key type and base64 key data")
    key_type, data = fields[0], fields[1]
    if key_type not in KEY_TYPES:
        raise SshFormatError(f"{key_type!r} is not an SSH public key type")
    try:
        blob = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise SshFormatError("the key data is not valid base64") from None
    key = key_from_blob(blob)
    if key.key_type != key_type:
        raise SshFormatError(f"the key data encodes a {key.key_type} key, not {key_type}")
    return key


@dataclass(frozen=True)
class SshSignature:
    """What an SSHSIG blob claims: the signing key and the namespace it was made for."""

    public_key: SshPublicKey
    namespace: str
    hash_algorithm: str


def is_ssh_signature(text: str) -> bool:
    return text.lstrip().startswith(_ARMOR_BEGIN)


def parse_ssh_signature(armored: str) -> SshSignature:
    """Read an armored SSHSIG (OpenSSH PROTOCOL.sshsig); the signature itself is not checked."""
    if len(armored) > MAX_SIGNATURE_TEXT:
        raise SshFormatError(f"the signature is over {MAX_SIGNATURE_TEXT} characters")
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise SshFormatError("the text is not enclosed in SSH SIGNATURE armor")
    try:
        blob = base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error:
        raise SshFormatError("the armored body is not valid base64") from None
    if not blob.startswith(_MAGIC):
        raise SshFormatError("the signature does not start with the SSHSIG magic")
    reader = _WireReader(blob[len(_MAGIC) :])
    version = reader.uint32()
    if version != 1:
        raise SshFormatError(f"SSHSIG version {version} is not supported")
    public_key = key_from_blob(reader.string())
    namespace = reader.text()
    reader.string()  # reserved
    hash_algorithm = reader.text()
    reader.string()  # the signature proper; ssh-keygen checks it
    if not reader.at_end():
        raise SshFormatError("the signature has trailing data")
    return SshSignature(public_key=public_key, namespace=namespace, hash_algorithm=hash_algorithm)
