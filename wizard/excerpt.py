"""A few lines of a repository file around one line, for showing a piece of evidence.

The file is read through `wizard.repo.Repo`, so the same limits apply as for scanning (inside the
repository, regular files only, size cap, UTF-8); a file that cannot be shown becomes a one-sentence
`problem` instead of an exception. Every line is already made printable (no control sequences,
visible bidi overrides) because the only use of an excerpt is to display it.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.repo import FileProblem, Repo
from wizard.text import printable, shorten

CONTEXT_LINES = 6
# Minified or generated files can hold one enormous line; the viewer only needs its start.
MAX_LINE_CHARS = 400


@dataclass(frozen=True)
class ExcerptLine:
    number: int
    text: str
    focus: bool


@dataclass(frozen=True)
class Excerpt:
    """Lines `first..last` of `path` around `line` (None: the start of the file)."""

    path: str
    line: int | None
    lines: list[ExcerptLine]
    total_lines: int
    problem: str | None = None


def _display(raw: str) -> str:
    return shorten(printable(raw.rstrip("\r")).expandtabs(4), MAX_LINE_CHARS)


def read_excerpt(repo: Repo, path: str, line: int | None, context: int = CONTEXT_LINES) -> Excerpt:
    """The lines of `path` within `context` lines of `line`, or a problem saying why not."""
    try:
        text = repo.read_text(path)
    except FileProblem as exc:
        return Excerpt(path, line, [], 0, f"{path} cannot be shown: {exc}.")
    rows = text.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    total = len(rows)
    if line is not None and not 1 <= line <= total:
        return Excerpt(
            path, line, [], total, f"{path} has {total} lines; line {line} is not in it any more."
        )
    centre = line if line is not None else 1
    first = max(1, centre - context)
    last = min(total, centre + context if line is not None else 2 * context + 1)
    lines = [
        ExcerptLine(number, _display(rows[number - 1]), number == line)
        for number in range(first, last + 1)
    ]
    return Excerpt(path, line, lines, total)
