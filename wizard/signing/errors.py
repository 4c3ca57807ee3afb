"""Exceptions of the signing layer; every message is one sentence meant for the user."""

from __future__ import annotations


class SigningError(Exception):
    """A signature could not be produced (no key configured, agent missing, tool failed, ...)."""


class VerificationError(Exception):
    """A signature does not verify; `index` is the 0-based envelope signature index when known."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class EnvelopeError(ValueError):
    """A DSSE envelope does not have the expected shape."""


class TrustRootError(Exception):
    """A trust root (allowed_signers, OpenPGP keyring) is missing, unreadable or malformed."""


class AllowedSignersError(TrustRootError):
    """An allowed_signers file cannot be used; `line` is the 1-based line when one is at fault."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class KeyringError(TrustRootError):
    """An OpenPGP keyring file cannot be read or imported."""
