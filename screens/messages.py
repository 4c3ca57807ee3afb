"""Messages the scan worker posts to the start screen (it never touches widgets itself)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from screens.review import Review


@dataclass
class ScanProgress(Message):
    stage: str
    fraction: float


@dataclass
class ScanFinished(Message):
    review: Review


@dataclass
class ScanFailed(Message):
    """The whole run could not go on; `reason` is one sentence from the core."""

    reason: str


class ScanStopped(Message):
    """The maintainer cancelled the scan."""
