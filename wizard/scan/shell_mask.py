"""GitHub expressions (`${{ … }}`) masked out of a `run:` script before it is parsed as shell.

They are not shell, and their quotes would confuse the parser; each becomes an opaque word that
`restore` turns back into the expression, and `original_line` maps rows of the masked text back
to lines of the script (an expression may span lines).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)


@dataclass
class MaskedScript:
    """A script with each `${{ … }}` swapped for an opaque word, and how to undo it."""

    text: str
    expressions: list[str]
    marker: str
    # Masked rows holding a multi-line expression, and the newlines removed up to and including it:
    # every later row moves down by that many in the original text.
    shift_rows: list[int]
    shift_totals: list[int]

    def restore(self, word: str) -> str:
        if self.marker not in word:
            return word
        pattern = re.compile(re.escape(self.marker) + r"(\d+)_")
        return pattern.sub(lambda m: self.expressions[int(m.group(1))], word)

    def original_line(self, row: int) -> int:
        """1-based line in the original text of a 0-based row of the masked text."""
        index = bisect_left(self.shift_rows, row) - 1
        return row + 1 + (self.shift_totals[index] if index >= 0 else 0)


def mask_expressions(text: str) -> MaskedScript:
    marker = "__GHX"
    while marker in text:
        marker += "X"
    expressions: list[str] = []
    pieces: list[str] = []
    rows: list[int] = []
    totals: list[int] = []
    masked_row = 0
    removed = 0
    last = 0
    for match in _EXPRESSION.finditer(text):
        expression = match.group(0)
        masked_row += text.count("\n", last, match.start())
        pieces.append(text[last : match.start()])
        pieces.append(f"{marker}{len(expressions)}_")
        expressions.append(expression)
        last = match.end()
        newlines = expression.count("\n")
        if newlines:
            removed += newlines
            rows.append(masked_row)
            totals.append(removed)
    pieces.append(text[last:])
    return MaskedScript("".join(pieces), expressions, marker, rows, totals)
