"""CODEOWNERS, read where GitHub reads it: `.github/`, the root, then `docs/` (first found).

CONTRACT: scan_owners(ctx) -> Owners; owner_of(owners, path) -> OwnerRule | None
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from re import Pattern

from codeowners import path_to_regex

from wizard.facts import OwnerRule, Owners
from wizard.scan.context import ScanContext

# GitHub's lookup order; copies anywhere else are ignored by GitHub, so they are here too.
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

# GitHub ignores a CODEOWNERS file above this size.
GITHUB_SIZE_LIMIT = 3 * 1024 * 1024

_OWNER = re.compile(r"^(?:@[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")
_UNESCAPED_SPACE = re.compile(r"(?<!\\)\s+")


def _present(ctx: ScanContext, path: str) -> bool:
    """A file (or a link, read or refused later) at `path`; GitHub skips directories."""
    full = ctx.repo.absolute(path)
    return ctx.exists(path) or (os.path.lexists(full) and not os.path.isdir(full))


def _rule_problem(pattern: str, owners: list[str]) -> str | None:
    """Why GitHub would skip this line, or None when it is a valid rule."""
    if pattern.startswith("!"):
        return f"`{pattern}`: GitHub does not support negated patterns; the line is skipped"
    if "[" in pattern.replace("\\[", ""):
        return f"`{pattern}`: GitHub does not support character ranges; the line is skipped"
    for owner in owners:
        if not _OWNER.match(owner):
            return (f"`{owner}` is not an owner (@user, @org/team or an email address); "
                    "GitHub skips the line")
    try:
        _regex(pattern)
    except (ValueError, re.error):
        return f"`{pattern}` is not a valid pattern; the line is skipped"
    return None


def parse_codeowners(ctx: ScanContext, path: str, text: str) -> list[OwnerRule]:
    """Rules in file order; malformed lines become problems and are skipped, as GitHub does."""
    rules: list[OwnerRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = _UNESCAPED_SPACE.split(line)
        # Everything after an inline `#` is a comment.
        for index, word in enumerate(words):
            if word.startswith("#"):
                words = words[:index]
                break
        pattern, owners = words[0], words[1:]
        problem = _rule_problem(pattern, owners)
        if problem:
            ctx.problem(path, number, problem)
            continue
        rules.append(OwnerRule(pattern=pattern, owners=owners, line=number))
    return rules


def scan_owners(ctx: ScanContext) -> Owners:
    """The CODEOWNERS file GitHub uses and its rules; `file` is None when none could be read."""
    for path in CODEOWNERS_PATHS:
        if not _present(ctx, path):
            continue
        text = ctx.read_text(path)
        if text is None:
            return Owners(file=None)
        if len(text.encode("utf-8")) > GITHUB_SIZE_LIMIT:
            ctx.problem(path, None, "GitHub ignores CODEOWNERS files larger than 3 MB; its "
                        "rules are not used")
            return Owners(file=None)
        return Owners(file=path, rules=parse_codeowners(ctx, path, text), blob=ctx.repo.blob(path))
    return Owners(file=None)


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> Pattern[str]:
    return path_to_regex(pattern)


def owner_of(owners: Owners, path: str) -> OwnerRule | None:
    """The rule GitHub applies to `path` (last match wins), or None when no rule matches.

    A matching rule without owners means the path is explicitly unowned; that rule is returned
    with its empty owner list. A directory may be given with or without a trailing `/`.
    """
    path = path.removeprefix("./").lstrip("/")
    as_dir = path.rstrip("/") + "/"
    for rule in reversed(owners.rules):
        regex = _regex(rule.pattern)
        if regex.search(path) or regex.search(as_dir):
            return rule
    return None
