"""Making repository text safe to show: no terminal control sequences, visible bidi overrides."""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, and C1 controls (which include CSI 0x9b).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# ESC-introduced sequences are removed whole so their parameters do not leak as text.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)
# Bidirectional overrides and isolates (Trojan Source): shown as visible code points.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Markdown punctuation that could start markup, HTML, a link or a table cell.
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#"})


def printable(text: str, single_line: bool = False) -> str:
    """`text` without terminal control characters; bidi controls become `<U+202E>`."""
    cleaned = _ESCAPE_SEQUENCE.sub("", text)
    cleaned = _CONTROL.sub("", cleaned)
    cleaned = _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", cleaned)
    if single_line:
        cleaned = " ".join(cleaned.split())
    return cleaned


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def md_text(text: object) -> str:
    """Repository text made literal in Markdown: no markup, no HTML, no control characters."""
    return printable(str(text), single_line=True).translate(_MD_SPECIAL)
