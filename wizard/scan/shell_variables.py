"""Shell variables in a word: `$NAME`, `${NAME}`, `$1`, replaced where their value is known."""

from __future__ import annotations

import re
from collections.abc import Callable

from wizard.scan.expressions import substitute_bounded

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)\}|([A-Za-z_][A-Za-z0-9_]*|[0-9]))")


def expand(text: str, lookup: Callable[[str], str | None]) -> str | None:
    """Replace `$NAME` / `${NAME}` / `$1` whose value `lookup` knows; leave the rest as written.

    None when the result would be longer than MAX_RESOLVED_CHARS (and than `text`): values that
    double on every line must not grow without bound.
    """
    if "$" not in text:
        return text
    return substitute_bounded(_VARIABLE, text, lambda m: lookup(m.group(1) or m.group(2)))


def expand_variables(text: str, lookup: Callable[[str], str | None]) -> str:
    """`expand`, with `text` as written when the result would be too long."""
    expanded = expand(text, lookup)
    return text if expanded is None else expanded


def variable_named(text: str) -> str | None:
    """The variable `text` consists of (`$NAME`, `${NAME}`, `$1`), or None."""
    whole = _VARIABLE.fullmatch(text)
    return (whole[1] or whole[2]) if whole else None

