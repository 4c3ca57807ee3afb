"""SSH signatures over arbitrary bytes with `ssh-keygen -Y` (sign, find-principals, verify).

Data always goes through stdin and the signature through stdout: given a file, `-Y sign` asks
before overwriting an existing `.sig` and, with no terminal, silently keeps the old one.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wizard.signing.allowed_signers import (
    AllowedSigner,
    as_utc,
    entries_for_key,
    format_time,
    parse_allowed_signers,
    principals_for,
    read_allowed_signers,
)
from wizard.signing.errors import SigningError, VerificationError
from wizard.signing.process import (
    SIGN_TIMEOUT,
    VERIFY_TIMEOUT,
    ToolFailure,
    ToolResult,
    run_tool,
)
from wizard.signing.sshformat import (
    SshFormatError,
    SshPublicKey,
    looks_like_public_key,
    parse_public_key,
    parse_ssh_signature,
)

LITERAL_PREFIX = "key::"
"""git's marker for a public key written inline in `user.signingkey`."""

_PROMPT = "Enter passphrase:"


@dataclass(frozen=True)
class SshVerification:
    principal: str
    fingerprint: str


def literal_public_key(key: str) -> SshPublicKey | None:
    """The key written inline (`key::ssh-ed25519 AAAA...` or bare `ssh-ed25519 AAAA...`), or None
    when `key` is a path. Raises SigningError for an inline key that does not parse."""
    text = key.removeprefix(LITERAL_PREFIX)
    if not key.startswith(LITERAL_PREFIX) and not looks_like_public_key(text):
        return None
    try:
        return parse_public_key(text)
    except SshFormatError as exc:
        raise SigningError(f"the configured SSH signing key is not a public key: {exc}") from None


def sign_ssh(data: bytes, key: str, namespace: str, program: str = "ssh-keygen") -> str:
    """Sign `data` for `namespace`; return the armored SSH signature.

    `key` is a private key path, a public key path whose private half is in ssh-agent, or an
    inline public key (`key::...`) whose private half is in ssh-agent.
    """
    if not namespace:
        raise SigningError("an SSH signature needs a namespace")
    literal = literal_public_key(key)
    if literal is None:
        path = Path(key).expanduser()
        if not path.is_file():
            raise SigningError(f"the SSH signing key {key} does not exist or is not a file")
        return _run_sign(data, path, key, namespace, program, public=key.endswith(".pub"))
    with tempfile.TemporaryDirectory(prefix="release-gate-sign-") as tmp:
        path = Path(tmp) / "signing-key.pub"
        path.write_text(literal.openssh() + "\n", encoding="ascii")
        return _run_sign(data, path, f"key {literal.fingerprint}", namespace, program, public=True)


def _run_sign(
    data: bytes, keyfile: Path, shown: str, namespace: str, program: str, public: bool
) -> str:
    argv = [program, "-Y", "sign", "-f", str(keyfile), "-n", namespace]
    try:
        result = run_tool(argv, stdin=data, timeout=SIGN_TIMEOUT)
    except ToolFailure as exc:
        raise SigningError(f"cannot sign with SSH: {exc}") from None
    if result.returncode != 0:
        reason = result.last_line().removeprefix(_PROMPT).strip().replace(str(keyfile), shown)
        if public and not os.environ.get("SSH_AUTH_SOCK"):
            reason += " (the private key must be in ssh-agent, but SSH_AUTH_SOCK is not set)"
        raise SigningError(f"{Path(program).name} could not sign with {shown}: {reason}")
    signature = result.stdout.decode("ascii", "replace")
    if not signature.startswith("-----BEGIN SSH SIGNATURE-----"):
        raise SigningError(f"{program} -Y sign printed no SSH signature")
    return signature


def verify_ssh(
    data: bytes,
    signature: str,
    allowed_signers_path: Path,
    namespace: str,
    verify_time: datetime | None = None,
    program: str = "ssh-keygen",
) -> SshVerification:
    """Check that `signature` over `data` was made for `namespace` by a key that
    `allowed_signers_path` allows, at `verify_time` (default: now; a naive time is UTC).

    The reason for a failure is worked out first from the signature and the file, so the
    VerificationError says which check failed; ssh-keygen then makes the actual decision.
    Raises AllowedSignersError when the file cannot be read or parsed.
    """
    try:
        claimed = parse_ssh_signature(signature)
    except SshFormatError as exc:
        raise VerificationError(f"the SSH signature is malformed: {exc}") from None
    fingerprint = claimed.public_key.fingerprint
    if claimed.namespace != namespace:
        raise VerificationError(
            f"namespace mismatch: the signature was made for namespace {claimed.namespace!r}, "
            f"not {namespace!r}"
        )
    text = read_allowed_signers(allowed_signers_path)
    entries = parse_allowed_signers(text, source=str(allowed_signers_path))
    when = as_utc(verify_time) if verify_time is not None else datetime.now(UTC)
    admitted = (
        []
        if claimed.public_key.is_certificate
        else _admitted_entries(
            entries_for_key(entries, claimed.public_key),
            fingerprint,
            namespace,
            when,
            allowed_signers_path,
        )
    )
    time_option = [] if verify_time is None else [f"-Overify-time={when:%Y%m%d%H%M%S}Z"]
    with tempfile.TemporaryDirectory(prefix="release-gate-verify-") as tmp:
        signers_copy = Path(tmp) / "allowed_signers"
        signers_copy.write_text(text, encoding="utf-8")
        sig_file = Path(tmp) / "signature.sig"
        sig_file.write_text(signature, encoding="ascii")
        found = _run_verify_tool(
            [
                program,
                "-Y",
                "find-principals",
                "-s",
                str(sig_file),
                "-f",
                str(signers_copy),
                *time_option,
            ],
            stdin=None,
        )
        principals = found.stdout.decode("utf-8", "replace").split()
        if found.returncode != 0 or not principals:
            raise VerificationError(
                f"key {fingerprint} not in allowed_signers {allowed_signers_path}: "
                f"{found.last_line().replace(str(signers_copy), str(allowed_signers_path))}"
            )
        # find-principals stops at the first line listing the key, whatever its namespaces;
        # the principals of the lines that admit this namespace and time go first.
        candidates = list(dict.fromkeys(principals_for(admitted, claimed.public_key) + principals))
        failure = ""
        for principal in candidates:
            checked = _run_verify_tool(
                [
                    program,
                    "-Y",
                    "verify",
                    "-f",
                    str(signers_copy),
                    "-I",
                    principal,
                    "-n",
                    namespace,
                    "-s",
                    str(sig_file),
                    *time_option,
                ],
                stdin=data,
            )
            if checked.returncode == 0:
                return SshVerification(principal=principal, fingerprint=fingerprint)
            failure = checked.last_line().replace(str(signers_copy), str(allowed_signers_path))
    raise VerificationError(f"signature does not verify (key {fingerprint}): {failure}")


def _admitted_entries(
    entries: list[AllowedSigner],
    fingerprint: str,
    namespace: str,
    when: datetime,
    path: Path,
) -> list[AllowedSigner]:
    """The entries of this key that admit `namespace` at `when`; when there are none, the
    specific VerificationError (key not listed, namespace not allowed, outside its window)."""
    if not entries:
        raise VerificationError(f"key {fingerprint} not in allowed_signers {path}")
    in_namespace = [e for e in entries if e.allows_namespace(namespace)]
    if not in_namespace:
        listed = ",".join(entries[0].namespaces or ())
        raise VerificationError(
            f"namespace {namespace!r} is not allowed for key {fingerprint} by {path} line "
            f"{entries[0].line} (namespaces={listed!r})"
        )
    admitted = [e for e in in_namespace if e.valid_at(when)]
    if not admitted:
        entry = in_namespace[0]
        raise VerificationError(
            f"key {fingerprint} not valid at {format_time(when)}: {path} line {entry.line} "
            f"makes it {entry.window()}"
        )
    return admitted


def _run_verify_tool(argv: list[str], stdin: bytes | None) -> ToolResult:
    try:
        return run_tool(argv, stdin=stdin, timeout=VERIFY_TIMEOUT)
    except ToolFailure as exc:
        raise VerificationError(f"cannot verify the SSH signature: {exc}") from None
