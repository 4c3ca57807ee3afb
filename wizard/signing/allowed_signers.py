"""The OpenSSH allowed_signers format (ssh-keygen(1), ALLOWED SIGNERS), read with line numbers.

Each line is `principals [options] keytype base64key [comment]`. The tokenising mirrors OpenSSH's
sshsig.c so that a file this module accepts is read the same way by `ssh-keygen -Y verify`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wizard.signing.errors import AllowedSignersError
from wizard.signing.sshformat import (
    SshFormatError,
    SshPublicKey,
    looks_like_public_key,
    parse_public_key,
)

MAX_ALLOWED_SIGNERS_BYTES = 1024 * 1024
"""Largest allowed_signers file read; a team's list is a few kilobytes."""

_TIME_FORMATS = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
_VALUE_OPTIONS = ("namespaces", "valid-after", "valid-before")
_CERT_AUTHORITY = "cert-authority"


class _LineError(Exception):
    """One allowed_signers line is malformed; the message says how."""


def match_pattern(text: str, pattern: str) -> bool:
    """OpenSSH `match_pattern`: `*` matches any run of characters, `?` exactly one."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def match_pattern_list(text: str, patterns: Iterable[str]) -> bool:
    """OpenSSH `match_pattern_list`: some pattern matches and no `!`-negated pattern does."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if match_pattern(text, pattern[1:] if negated else pattern):
            if negated:
                return False
            matched = True
    return matched


def parse_ssh_time(text: str) -> datetime:
    """`YYYYMMDD[HHMM[SS]]` with an optional `Z`/`UTC` suffix; without it the time is local.

    Raises ValueError for anything else, as OpenSSH's parse_absolute_time does.
    """
    value, utc = text, False
    if len(value) > 1 and value[-1] in "zZ":
        value, utc = value[:-1], True
    elif len(value) > 3 and value[-3:].upper() == "UTC":
        value, utc = value[:-3], True
    if not (value.isascii() and value.isdigit()) or len(value) not in _TIME_FORMATS:
        raise ValueError(f"{text!r} is not YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS")
    naive = datetime.strptime(value, _TIME_FORMATS[len(value)])
    return naive.replace(tzinfo=UTC) if utc else naive.astimezone()


def format_time(when: datetime) -> str:
    """A UTC time as messages show it, e.g. `2026-04-16 09:30:00 UTC`."""
    return as_utc(when).strftime("%Y-%m-%d %H:%M:%S UTC")


def as_utc(when: datetime) -> datetime:
    """`when` in UTC, to the second (ssh-keygen's resolution); a naive time is taken as UTC."""
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return aware.replace(microsecond=0)


@dataclass(frozen=True)
class AllowedSigner:
    line: int
    principals: tuple[str, ...]
    """Principal patterns as written (`*`, `?` wildcards, `!` negation)."""
    key: SshPublicKey
    namespaces: tuple[str, ...] | None
    """Namespace patterns from `namespaces="..."`; None means every namespace."""
    valid_after: datetime | None
    valid_before: datetime | None
    cert_authority: bool

    def allows_principal(self, principal: str) -> bool:
        return match_pattern_list(principal, self.principals)

    def allows_namespace(self, namespace: str) -> bool:
        return self.namespaces is None or match_pattern_list(namespace, self.namespaces)

    def valid_at(self, when: datetime) -> bool:
        """The `valid-after`/`valid-before` window holds at `when` (bounds inclusive)."""
        moment = as_utc(when)
        if self.valid_after is not None and moment < self.valid_after:
            return False
        return self.valid_before is None or moment <= self.valid_before

    def window(self) -> str:
        """The validity window in words, for messages."""
        parts = []
        if self.valid_after is not None:
            parts.append(f"valid after {format_time(self.valid_after)}")
        if self.valid_before is not None:
            parts.append(f"valid before {format_time(self.valid_before)}")
        return " and ".join(parts) or "valid at any time"


def read_allowed_signers(path: Path) -> str:
    """The text of an allowed_signers file, bounded in size and required to be UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ALLOWED_SIGNERS_BYTES + 1)
    except OSError as exc:
        raise AllowedSignersError(
            f"allowed_signers file {path} cannot be read ({exc.strerror})"
        ) from None
    if len(data) > MAX_ALLOWED_SIGNERS_BYTES:
        raise AllowedSignersError(
            f"allowed_signers file {path} is over the {MAX_ALLOWED_SIGNERS_BYTES} byte limit"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AllowedSignersError(
            f"allowed_signers file {path} is not valid UTF-8 (byte {exc.start})"
        ) from None


def parse_allowed_signers(text: str, source: str = "allowed_signers") -> list[AllowedSigner]:
    """Every entry of the file in order; the first malformed line raises AllowedSignersError."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            entry = _parse_line(raw, number)
        except _LineError as exc:
            raise AllowedSignersError(f"{source} line {number}: {exc}", line=number) from None
        if entry is not None:
            entries.append(entry)
    return entries


def entries_for_key(
    entries: Sequence[AllowedSigner], public_key: SshPublicKey | str
) -> list[AllowedSigner]:
    """The entries that list exactly this key (certificate-authority lines excluded)."""
    key = parse_public_key(public_key) if isinstance(public_key, str) else public_key
    return [e for e in entries if not e.cert_authority and e.key.blob == key.blob]


def principals_for(entries: Sequence[AllowedSigner], public_key: SshPublicKey | str) -> list[str]:
    """Principal patterns (without negated ones) listed for this key, in file order, unique."""
    found: list[str] = []
    for entry in entries_for_key(entries, public_key):
        found.extend(p for p in entry.principals if not p.startswith("!") and p not in found)
    return found


def _parse_line(raw: str, number: int) -> AllowedSigner | None:
    text = raw.lstrip(" \t")
    if not text or text.startswith("#"):
        return None
    principals, rest = _take_principals(text)
    rest = rest.lstrip(" \t")
    options = ""
    if not looks_like_public_key(rest):
        options, rest = _take_options(rest)
        rest = rest.lstrip(" \t")
    if not rest:
        raise _LineError("the line has no public key")
    try:
        key = parse_public_key(rest)
    except SshFormatError as exc:
        raise _LineError(f"invalid public key: {exc}") from None
    namespaces, valid_after, valid_before, cert_authority = _parse_options(options)
    return AllowedSigner(
        line=number,
        principals=principals,
        key=key,
        namespaces=namespaces,
        valid_after=valid_after,
        valid_before=valid_before,
        cert_authority=cert_authority,
    )


def _take_principals(text: str) -> tuple[tuple[str, ...], str]:
    if text.startswith('"'):
        end = text.find('"', 1)
        if end < 0:
            raise _LineError("the quoted principals have no closing quote")
        token, rest = text[1:end], text[end + 1 :]
    else:
        match = re.search(r"[ \t]", text)
        token, rest = (
            (text, "") if match is None else (text[: match.start()], text[match.start() :])
        )
    principals = tuple(p for p in token.split(",") if p)
    if not principals:
        raise _LineError("the principals field is empty")
    return principals, rest


def _take_options(text: str) -> tuple[str, str]:
    """Split off the options token: it ends at the first blank outside double quotes."""
    quoted = False
    index = 0
    while index < len(text) and (quoted or text[index] not in " \t"):
        if text.startswith('\\"', index):
            index += 1
        elif text[index] == '"':
            quoted = not quoted
        index += 1
    if quoted:
        raise _LineError("an option value has no closing quote")
    return text[:index], text[index:]


def _parse_options(
    options: str,
) -> tuple[tuple[str, ...] | None, datetime | None, datetime | None, bool]:
    values: dict[str, str] = {}
    cert_authority = False
    pos = 0
    while pos < len(options):
        rest = options[pos:].lower()
        if rest.startswith(_CERT_AUTHORITY):
            cert_authority = True
            pos += len(_CERT_AUTHORITY)
        else:
            name = next((n for n in _VALUE_OPTIONS if rest.startswith(n + "=")), None)
            if name is None:
                raise _LineError(f"unsupported option {options[pos:].split(',')[0]!r}")
            if name in values:
                raise _LineError(f"the {name} option is given twice")
            values[name], pos = _dequote(options, pos + len(name) + 1, name)
        if pos == len(options):
            break
        if options[pos] != ",":
            raise _LineError(f"unexpected {options[pos]!r} after an option")
        pos += 1
        if pos == len(options):
            raise _LineError("the options end with a comma")
    namespaces = None
    if "namespaces" in values:
        namespaces = tuple(values["namespaces"].split(","))
    valid_after = _option_time(values, "valid-after")
    valid_before = _option_time(values, "valid-before")
    if valid_after and valid_before and valid_before <= valid_after:
        raise _LineError("valid-before is not later than valid-after")
    return namespaces, valid_after, valid_before, cert_authority


def _dequote(options: str, pos: int, name: str) -> tuple[str, int]:
    """The double-quoted value starting at `pos` (`\\"` is a literal quote) and the end index."""
    if not options.startswith('"', pos):
        raise _LineError(f'the {name} value must be in double quotes, e.g. {name}="..."')
    chars = []
    pos += 1
    while pos < len(options) and options[pos] != '"':
        if options.startswith('\\"', pos):
            pos += 1
        chars.append(options[pos])
        pos += 1
    if pos == len(options):
        raise _LineError(f"the {name} value has no closing quote")
    return "".join(chars), pos + 1


def _option_time(values: dict[str, str], name: str) -> datetime | None:
    if name not in values:
        return None
    try:
        return as_utc(parse_ssh_time(values[name]))
    except (ValueError, OverflowError, OSError) as exc:  # localtime fails for extreme years
        raise _LineError(f"invalid {name} time: {exc}") from None
