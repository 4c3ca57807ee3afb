"""Repository text as literal Textual content: never parsed as markup, control codes stripped.

Every string that comes from the repository (paths, names, reasons, fact text, excerpts, problems,
exception messages) reaches the screen through these helpers, so a workflow named `[bold red]x[/]`
or `[/` shows as typed and cannot break rendering.
"""

from __future__ import annotations

from textual.content import Content

from wizard.facts import Evidence
from wizard.gates.render import STATUS_WORDS
from wizard.text import printable

# Status is always a word and a symbol; the colour only repeats what they already say.
STATUS_SYMBOLS = {"met": "✓", "not-met": "✗", "needs-review": "?"}
STATUS_STYLES = {
    "met": "bold $text-success",
    "not-met": "bold $text-error",
    "needs-review": "bold $text-warning",
}


def plain(text: object, single_line: bool = True) -> Content:
    """`text` shown exactly as written, minus terminal control characters."""
    return Content(printable(str(text), single_line=single_line))


def status(value: str) -> Content:
    """`✓ MET`, `✗ NOT MET` or `? REVIEW`, styled by the theme."""
    return Content.styled(f"{STATUS_SYMBOLS[value]} {STATUS_WORDS[value]}", STATUS_STYLES[value])


def location(evidence: Evidence) -> Content:
    return plain(evidence.location())


def line(*parts: str | Content | tuple[str, str]) -> Content:
    """Join pieces; plain `str` parts are literal text (Content.assemble never parses markup)."""
    return Content.assemble(*parts)
