"""The signing key and format git is configured with (`user.signingkey`, `gpg.format`, ...).

The decision record is signed with the same key the maintainer signs commits with, read from
git's own configuration (repository, global, includes) rather than from a setting of ours. The
programs it names are taken only from the user's own config, never from the repository's.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.repo import REPOSITORY_SCOPES, RepoError, run_git, scoped_config
from wizard.signing.errors import SigningError
from wizard.signing.process import VERIFY_TIMEOUT, ToolFailure, run_tool
from wizard.signing.ssh import LITERAL_PREFIX, literal_public_key

SignatureFormat = Literal["ssh", "openpgp"]

_CONFIG_KEYS = re.compile(r"^(gpg\..*|user\.signingkey)$")
# A key id (short, long), a v4 or v5 fingerprint, optionally 0x-prefixed or with gpg's `!`.
_OPENPGP_ID = re.compile(r"(0x)?([0-9A-Fa-f]{8}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})!?")
# An e-mail user id, bare, in angle brackets, or after a name: `Bob <bob@example.org>`.
_OPENPGP_EMAIL = re.compile(r"([^<>]*<)?[^\s<>@/]+@[^\s<>@/]+>?")

_SET_KEY_HINT = (
    "set one with `git config user.signingkey ~/.ssh/id_ed25519.pub` and "
    "`git config gpg.format ssh` (or an OpenPGP key id with `git config gpg.format openpgp`)"
)


@dataclass(frozen=True)
class SigningConfig:
    format: SignatureFormat
    key: str | None
    """SSH: a key path (`~` expanded) or `key::<public key>`; OpenPGP: a gpg key specifier."""
    program: str | None
    """`gpg.ssh.program` or `gpg.openpgp.program`/`gpg.program`; None means the default tool."""


def signing_config(repo_root: Path) -> SigningConfig:
    """Read git's signing configuration as seen from `repo_root`; raise SigningError with the
    git config to set when no usable key is configured."""
    values = _read_git_config(repo_root)
    key = values.get("user.signingkey", "").strip() or None
    declared = values.get("gpg.format")
    if declared is None:
        if key is None:
            raise SigningError(f"no signing key is configured in git: {_SET_KEY_HINT}")
        fmt = _infer_format(key)
    elif declared in ("ssh", "openpgp"):
        fmt = "ssh" if declared == "ssh" else "openpgp"
    else:
        raise SigningError(
            f"git config gpg.format is {declared!r}; release-gate signs with 'ssh' or 'openpgp'"
        )
    if fmt == "openpgp":
        if key is None:
            raise SigningError(
                "no OpenPGP signing key is configured: set one with "
                "`git config user.signingkey <key id or fingerprint>`"
            )
        program = values.get("gpg.openpgp.program") or values.get("gpg.program") or None
        return SigningConfig(format="openpgp", key=key, program=program)
    if key is None:
        command = values.get("gpg.ssh.defaultkeycommand", "").strip()
        if not command:
            raise SigningError(
                "no SSH signing key is configured: set one with "
                "`git config user.signingkey ~/.ssh/id_ed25519.pub` (a key path or "
                "`key::ssh-ed25519 AAAA...`), or set gpg.ssh.defaultKeyCommand"
            )
        key = _default_ssh_key(command)
    return SigningConfig(
        format="ssh",
        key=_normalise_ssh_key(key, repo_root),
        program=values.get("gpg.ssh.program") or None,
    )


# Settings that name a program git (and we) would run to sign or to find the key.
_PROGRAM_KEYS = frozenset(
    {"gpg.program", "gpg.openpgp.program", "gpg.ssh.program", "gpg.ssh.defaultkeycommand",
     "gpg.x509.program"}
)


def _read_git_config(repo_root: Path) -> dict[str, str]:
    """Signing-related git config; the last value of a key wins, as with `git config --get`.

    A program may only come from the user's own (global, system) config: a repository that
    arrives with its .git could otherwise name one, run as soon as the wizard opens.
    """
    try:
        out = run_git(
            repo_root, "config", "--show-scope", "-z", "--get-regexp", _CONFIG_KEYS.pattern,
            check=False,
        )
    except RepoError as exc:
        raise SigningError(f"cannot read git's signing configuration: {exc}") from None
    values: dict[str, str] = {}
    scopes: dict[str, str] = {}
    for scope, record in scoped_config(out):
        name, _, value = record.partition("\n")
        values[name.lower()] = value
        scopes[name.lower()] = scope
    for name in sorted(_PROGRAM_KEYS & values.keys()):
        if scopes[name] in REPOSITORY_SCOPES:
            raise SigningError(
                f"git config {name} is set in this repository's own configuration "
                "(.git/config); release-gate runs signing programs only from your global or "
                f"system git config: remove it with `git config --local --unset {name}`"
            )
    return values


def _infer_format(key: str) -> SignatureFormat:
    """git defaults to OpenPGP; a key that is plainly an SSH key means SSH was intended."""
    if key.startswith(LITERAL_PREFIX) or literal_public_key(key) is not None:
        return "ssh"
    if _OPENPGP_ID.fullmatch(key) or _OPENPGP_EMAIL.fullmatch(key):
        return "openpgp"
    if key.startswith(("~", ".")) or "/" in key or key.endswith(".pub"):
        return "ssh"
    raise SigningError(
        f"cannot tell whether user.signingkey {key!r} is an SSH or an OpenPGP key: "
        "set `git config gpg.format ssh` or `git config gpg.format openpgp`"
    )


def _normalise_ssh_key(key: str, repo_root: Path) -> str:
    """`key::` plus the public key for inline keys; otherwise an absolute path, `~` expanded
    and a relative path taken from the repository root (where git runs ssh-keygen)."""
    literal = literal_public_key(key)
    if literal is not None:
        return LITERAL_PREFIX + literal.openssh()
    path = Path(key).expanduser()
    return str(path if path.is_absolute() else repo_root / path)


def _default_ssh_key(command: str) -> str:
    """Run gpg.ssh.defaultKeyCommand (split like git does, no shell); its first line is the key."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise SigningError(f"gpg.ssh.defaultKeyCommand cannot be split into words: {exc}") from None
    if not argv:
        raise SigningError("gpg.ssh.defaultKeyCommand is empty")
    try:
        result = run_tool(argv, stdin=None, timeout=VERIFY_TIMEOUT)
    except ToolFailure as exc:
        raise SigningError(f"gpg.ssh.defaultKeyCommand failed: {exc}") from None
    if result.returncode != 0:
        raise SigningError(f"gpg.ssh.defaultKeyCommand failed: {result.last_line()}")
    first = result.stdout.decode("utf-8", "replace").strip().split("\n", 1)[0].strip()
    if not first or literal_public_key(first) is None:
        raise SigningError(
            f"gpg.ssh.defaultKeyCommand {command!r} printed no SSH public key on its first line"
        )
    return first
