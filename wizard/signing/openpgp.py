"""OpenPGP detached signatures with the gpg CLI.

Verification runs in a throwaway GNUPGHOME holding only the public keys of a keyring file from
the repository: trust comes from that file, never from the user's own keyring.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wizard.signing.errors import KeyringError, SigningError, VerificationError
from wizard.signing.process import (
    SIGN_TIMEOUT,
    VERIFY_TIMEOUT,
    ToolFailure,
    ToolResult,
    run_tool,
)

MAX_KEYRING_BYTES = 4 * 1024 * 1024
"""Largest keyring file read; an armored ed25519 key is under 1 KiB, RSA 4096 about 3 KiB."""

_STATUS_PREFIX = "[GNUPG:] "
_KEY_BLOCK_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
_KEY_BLOCK_END = "-----END PGP PUBLIC KEY BLOCK-----"
_SIGNATURE_BEGIN = "-----BEGIN PGP SIGNATURE-----"
# Never prompt: no pinentry at all, a locked key is an error the user is told about.
_NO_PROMPT = ["--batch", "--no-tty", "--pinentry-mode", "error"]
# The throwaway home never starts an agent or dirmngr and never fetches keys.
_ISOLATED = ["--batch", "--no-tty", "--no-autostart", "--no-auto-key-retrieve"]


@dataclass(frozen=True)
class PgpSignature:
    armored: str
    fingerprint: str
    """Fingerprint of the (sub)key that made the signature, as gpg reports it."""


@dataclass(frozen=True)
class PgpVerification:
    fingerprint: str
    """Fingerprint of the primary key whose (sub)key made the signature."""
    uids: tuple[str, ...]
    """User ids of that key, primary first (`Name <email>`), revoked ones left out."""

    @property
    def principal(self) -> str:
        """The e-mail address of the primary user id, else that user id, else the fingerprint."""
        if not self.uids:
            return self.fingerprint
        uid = self.uids[0]
        if uid.endswith(">") and "<" in uid:
            return uid[uid.rindex("<") + 1 : -1]
        return uid


def is_openpgp_signature(text: str) -> bool:
    return text.lstrip().startswith(_SIGNATURE_BEGIN)


def create_openpgp_signature(data: bytes, key_id: str, program: str = "gpg") -> PgpSignature:
    """Armored detached signature of `data` by `key_id` (any gpg key specifier), with the
    signing key's fingerprint."""
    argv = [
        program,
        *_NO_PROMPT,
        "--yes",
        "--armor",
        "--detach-sign",
        "--status-fd",
        "2",
        "--local-user",
        key_id,
    ]
    try:
        result = run_tool(argv, stdin=data, timeout=SIGN_TIMEOUT)
    except ToolFailure as exc:
        raise SigningError(f"cannot sign with OpenPGP: {exc}") from None
    created = [args for word, args in _status_lines(result.stderr) if word == "SIG_CREATED"]
    armored = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or not created or not is_openpgp_signature(armored):
        reason = _human_last_line(result)
        if "pinentry" in reason.lower():
            reason += "; release-gate never prompts, so unlock the key in gpg-agent first"
        raise SigningError(f"gpg could not sign with key {key_id}: {reason}")
    if len(created[0]) < 6:
        raise SigningError(f"gpg reported a malformed SIG_CREATED status for key {key_id}")
    return PgpSignature(armored=armored, fingerprint=created[0][5])


def verify_openpgp(
    data: bytes, signature: str, keyring: Path, program: str = "gpg"
) -> PgpVerification:
    """Check the detached `signature` over `data` against the public keys in `keyring` only.

    Raises VerificationError with the reason (bad signature, key not in the keyring, expired
    or revoked key), KeyringError when the keyring cannot be read or imported.
    """
    keys = _public_key_blocks(keyring)
    with tempfile.TemporaryDirectory(prefix="release-gate-gpg-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir(mode=0o700)
        base = [program, "--homedir", str(home), *_ISOLATED]
        try:
            return _verify_in_home(base, Path(tmp), keys, keyring, data, signature)
        finally:
            _kill_agent(program, home)


def _verify_in_home(
    base: list[str], tmp: Path, keys: str, keyring: Path, data: bytes, signature: str
) -> PgpVerification:
    keys_file = tmp / "keys.asc"
    keys_file.write_text(keys, encoding="utf-8")
    imported = _run([*base, "--status-fd", "1", "--import", str(keys_file)], stdin=None)
    # Judged by the status lines, not the exit status: gpg exits 2 when it merely cannot
    # reach an agent (for instance when the temporary home's socket path is too long).
    if not any(
        word == "IMPORT_OK" for word, _ in _status_lines(imported.stdout.decode("utf-8", "replace"))
    ):
        raise KeyringError(
            f"OpenPGP keyring {keyring} cannot be imported: {_human_last_line(imported)}"
        )
    sig_file = tmp / "signature.asc"
    sig_file.write_text(signature, encoding="utf-8")
    checked = _run(
        [*base, "--trust-model", "always", "--status-fd", "1", "--verify", str(sig_file), "-"],
        stdin=data,
    )
    fingerprint = _verified_fingerprint(checked, keyring)
    listed = _run(
        [*base, "--with-colons", "--fixed-list-mode", "--list-keys", fingerprint], stdin=None
    )
    return PgpVerification(fingerprint=fingerprint, uids=_uids(listed.stdout))


def _verified_fingerprint(result: ToolResult, keyring: Path) -> str:
    """The primary fingerprint from gpg's status lines, or the VerificationError they imply."""
    status = list(_status_lines(result.stdout.decode("utf-8", "replace")))
    words = [word for word, _ in status]
    first = {word: args for word, args in reversed(status)}

    def key_of(word: str) -> str:
        return first[word][0] if first[word] else "unknown"

    count = words.count("NEWSIG")
    if count > 1:
        raise VerificationError(f"the OpenPGP signature holds {count} signatures, not exactly one")
    if "BADSIG" in first:
        raise VerificationError(f"signature does not verify (OpenPGP key {key_of('BADSIG')})")
    if "NO_PUBKEY" in first:
        raise VerificationError(f"OpenPGP key {key_of('NO_PUBKEY')} not in the keyring {keyring}")
    if "EXPKEYSIG" in first:
        raise VerificationError(f"OpenPGP key {key_of('EXPKEYSIG')} has expired")
    if "REVKEYSIG" in first:
        raise VerificationError(f"OpenPGP key {key_of('REVKEYSIG')} has been revoked")
    if "EXPSIG" in first:
        raise VerificationError(f"the OpenPGP signature by key {key_of('EXPSIG')} has expired")
    valid = first.get("VALIDSIG")
    if result.returncode != 0 or "GOODSIG" not in first or not valid:
        raise VerificationError(f"gpg could not check the signature: {_human_last_line(result)}")
    # VALIDSIG <sig-key-fpr> ... <primary-key-fpr> (10th field, absent in very old gpg)
    return valid[9] if len(valid) >= 10 else valid[0]


def _public_key_blocks(keyring: Path) -> str:
    """Only the armored public key blocks of the keyring file (anything else is ignored)."""
    try:
        with keyring.open("rb") as handle:
            data = handle.read(MAX_KEYRING_BYTES + 1)
    except OSError as exc:
        raise KeyringError(f"OpenPGP keyring {keyring} cannot be read ({exc.strerror})") from None
    if len(data) > MAX_KEYRING_BYTES:
        raise KeyringError(f"OpenPGP keyring {keyring} is over the {MAX_KEYRING_BYTES} byte limit")
    blocks: list[str] = []
    current: list[str] | None = None
    for line in data.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if stripped == _KEY_BLOCK_BEGIN:
            current = [stripped]
        elif current is not None:
            current.append(stripped)
            if stripped == _KEY_BLOCK_END:
                blocks.append("\n".join(current) + "\n")
                current = None
    if not blocks:
        raise KeyringError(f"OpenPGP keyring {keyring} holds no armored public key block")
    return "".join(blocks)


def _status_lines(text: str) -> list[tuple[str, list[str]]]:
    """gpg `--status-fd` lines as (keyword, arguments)."""
    lines = []
    for line in text.splitlines():
        if line.startswith(_STATUS_PREFIX):
            fields = line[len(_STATUS_PREFIX) :].split(" ")
            lines.append((fields[0], fields[1:]))
    return lines


def _uids(colons: bytes) -> tuple[str, ...]:
    """User ids from `--with-colons` output: field 10 of `uid` records; `r` validity is revoked."""
    uids = []
    for line in colons.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] == "uid" and len(fields) > 9 and fields[1] != "r":
            uids.append(re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m[1], 16)), fields[9]))
    return tuple(uids)


def _human_last_line(result: ToolResult) -> str:
    lines = [
        line.strip().removeprefix("gpg: ")
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(_STATUS_PREFIX)
    ]
    return lines[-1] if lines else f"exit status {result.returncode}"


def _run(argv: list[str], stdin: bytes | None) -> ToolResult:
    try:
        return run_tool(argv, stdin=stdin, timeout=VERIFY_TIMEOUT)
    except ToolFailure as exc:
        raise VerificationError(f"cannot verify the OpenPGP signature: {exc}") from None


def _kill_agent(program: str, home: Path) -> None:
    """Stop any agent the throwaway home may have started; gpgconf sits next to gpg."""
    gpgconf = os.path.join(os.path.dirname(program), "gpgconf") if os.sep in program else "gpgconf"
    try:
        run_tool(
            [gpgconf, "--homedir", str(home), "--kill", "gpg-agent"],
            stdin=None,
            timeout=VERIFY_TIMEOUT,
        )
    except ToolFailure:
        return  # without gpgconf nothing was started either: the home ran with --no-autostart
