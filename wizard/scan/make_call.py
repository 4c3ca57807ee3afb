"""A `make` command line: where it runs, which Makefile and goals, its variable overrides, and
the options that change what its recipes do (`-i`, `-n`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.scan.items import normal_path, workspace_relative

_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
# Long options that take a value (`--directory=dir` or `--directory dir`), by what it sets.
_LONG_VALUES = {
    "--directory": "directory", "--file": "file", "--makefile": "file", "--include-dir": "",
    "--old-file": "", "--assume-old": "", "--what-if": "", "--new-file": "", "--assume-new": "",
    "--eval": "",
}
# Long options with an optional number: `--jobs`, `--jobs=4`, `--jobs 4`.
_LONG_NUMBERS = frozenset({"--jobs", "--load-average", "--max-load"})
# Short options whose value is the rest of the word or the next word.
_SHORT_VALUES = {"C": "directory", "f": "file", "I": "", "o": "", "W": "", "E": ""}
_DRY_RUN = frozenset({"--just-print", "--dry-run", "--recon", "--question", "--touch"})


@dataclass
class MakeCall:
    """`make [options] [NAME=value…] [goals…]` as written (not yet resolved)."""

    directory: str | None = None  # -C, joined when given more than once
    file: str | None = None  # -f
    overrides: dict[str, str] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    ignore_errors: bool = False  # -i: a failing recipe line does not stop make
    dry_run: bool = False  # -n, -q, -t: recipes are printed or checked, not run
    environment_first: bool = False  # -e: the environment wins over the Makefile's values

    def set(self, option: str, value: str) -> None:
        if option == "directory":
            self.directory = value if self.directory is None else f"{self.directory}/{value}"
        elif option == "file":
            self.file = value


def _short_options(call: MakeCall, word: str, following: list[str]) -> int:
    """Read a cluster such as `-sC dir` or `-kj4`; the number of following words it used."""
    letters = word[1:]
    for index, letter in enumerate(letters):
        rest = letters[index + 1 :]
        if letter in _SHORT_VALUES:
            if rest:
                call.set(_SHORT_VALUES[letter], rest)
                return 0
            call.set(_SHORT_VALUES[letter], following[0] if following else "")
            return 1
        if letter in "jl":  # an optional number, in the word or as the next word
            if not rest and following and _NUMBER.fullmatch(following[0]):
                return 1
            return 0
        if letter == "O":  # `-O[TYPE]`: output grouping, its value only in the word
            return 0
        call.ignore_errors = call.ignore_errors or letter == "i"
        call.dry_run = call.dry_run or letter in "nqt"
        call.environment_first = call.environment_first or letter == "e"
    return 0


def make_call(words: list[str]) -> MakeCall | None:
    """The call when `words` run make (`make`, `gmake`, a path to either); None otherwise."""
    if not words or words[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
        return None
    call = MakeCall()
    index = 1
    while index < len(words):
        word = words[index]
        index += 1
        name, has_value, value = word.partition("=")
        if word.startswith("--"):
            if name in _LONG_VALUES:
                if not has_value and index < len(words):
                    value, index = words[index], index + 1
                call.set(_LONG_VALUES[name], value)
            elif name in _LONG_NUMBERS and not has_value and index < len(words):
                index += 1 if _NUMBER.fullmatch(words[index]) else 0
            call.ignore_errors = call.ignore_errors or word == "--ignore-errors"
            call.environment_first = call.environment_first or word == "--environment-overrides"
            call.dry_run = call.dry_run or word in _DRY_RUN
        elif word.startswith("-") and len(word) > 1:
            index += _short_options(call, word, words[index:])
        elif has_value:
            call.overrides[name] = value
        else:
            call.goals.append(word)
    return call


def makefile_location(
    call: MakeCall, workdir: str, resolve: Callable[[str], str], exists: Callable[[str], bool]
) -> tuple[str, str] | str | None:
    """The Makefile `call` reads when run in `workdir`, and the directory its recipes run in;
    the text of `-C` or `-f` when it is only known at run time; None when there is no such
    file in the repository (generated, or outside it)."""
    directory: str | None = workdir
    if call.directory is not None:
        given = resolve(call.directory)
        anchored = workspace_relative(given)
        if anchored is None and "$" in given:
            return given
        if anchored is None and given.startswith(("/", "~")):
            return None
        directory = anchored if anchored is not None else normal_path(workdir, given)
    if directory is None:
        return None
    names = [resolve(call.file)] if call.file else ["GNUmakefile", "makefile", "Makefile"]
    for name in names:
        anchored = workspace_relative(name)
        if anchored is None and "$" in name:
            return name
        if anchored is None and name.startswith(("/", "~")):
            continue
        candidate = anchored if anchored is not None else normal_path(directory, name)
        if candidate and exists(candidate):
            return candidate, directory
    return None
