"""How a shell command runs more shell (a script file: `./x.sh`, `bash x.sh`, `source x`; an
inline script: `bash -c '…'`), which interpreter a script's `#!` line names, and where `cd`
moves the commands after it."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from wizard.limits import MAX_RESOLVED_CHARS
from wizard.scan.items import normal_path, workspace_relative
from wizard.scan.shell import ShellCommand

_POSIX_SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})
# A `pushd` stack deeper than this forgets its oldest entries (a `popd` past them is unknown).
_MAX_STACK = 64
# `$(dirname "$0")` or `$(dirname "${BASH_SOURCE[0]}")`, then a path: the script's directory.
_SCRIPT_DIRECTORY = re.compile(
    r'\$\(dirname (?:-- )?"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\})"?\)(/.*)?'
    r'|\$\{0%/\*\}(/.*)?'
)
_TOP_LEVEL = re.compile(r"\$\(git rev-parse --show-toplevel\)(/.*)?")


def is_posix_shell(shell: str) -> bool:
    first = shell.split()[0] if shell.split() else ""
    return posixpath.basename(first) in _POSIX_SHELLS


def runs_in_posix_shell(text: str) -> bool:
    """A script without a `#!` line runs in the calling shell; with one, in its interpreter,
    looked up through `env` (its options and VAR=value words skipped) when that is how."""
    if not text.startswith("#!"):
        return True
    words = text[2:].split("\n", 1)[0].split()
    if words and posixpath.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return bool(words) and is_posix_shell(words[0])


def _shell_operand(words: list[str]) -> tuple[int, bool]:
    """For `bash [options] …`: the index of the first word after the options, and whether one
    of them is `-c` (that word is then the script itself)."""
    index, inline = 1, False
    while index < len(words) and words[index].startswith(("-", "+")):
        option = words[index]
        if option == "--":
            return index + 1, inline
        short = not option.startswith("--")
        inline = inline or (short and "c" in option[1:])
        # `-o NAME`, also at the end of a cluster (`-eo pipefail`), takes the next word.
        index += 2 if short and option[-1] in "oO" and len(option) > 1 else 1
    return index, inline


def script_target(command: ShellCommand) -> str | None:
    """The file a command runs as a shell script: `./x.sh`, `bash x.sh`, `sh x`, `source x`."""
    words = command.words
    name = words[0]
    if posixpath.basename(name) in _POSIX_SHELLS:
        index, inline = _shell_operand(words)
        return words[index] if index < len(words) and not inline else None
    if name in ("source", "."):
        return words[1] if len(words) > 1 else None
    return name if "/" in name else None


def inline_script(command: ShellCommand) -> int | None:
    """Which word is the script a command runs from its arguments (`bash -c '…'`,
    `sh -ec "…"`); the words after it are `$0`, `$1`, …"""
    if posixpath.basename(command.name) not in _POSIX_SHELLS:
        return None
    index, inline = _shell_operand(command.words)
    return index if inline and index < len(command.words) else None


@dataclass(frozen=True)
class Place:
    """Where commands run: the directory (None: known only at run time), the one before the last
    `cd` (for `cd -`), and the `pushd` stack."""

    current: str | None
    previous: str | None = None
    stack: tuple[str | None, ...] = ()


def _target(arguments: list[str], place: Place, script_directory: str | None) -> str | None:
    if arguments == ["-"]:
        return place.previous
    if len(arguments) != 1:
        return None  # `cd` alone goes home, outside the repository
    target = arguments[0]
    anchored = workspace_relative(target)
    if anchored is not None:
        return anchored
    # Idioms that name the script's own directory or the repository's root.
    script = _SCRIPT_DIRECTORY.fullmatch(target)
    if script:
        rest = script[1] or script[2] or "/"
        return None if script_directory is None else normal_path(script_directory, rest[1:])
    top = _TOP_LEVEL.fullmatch(target)
    if top:
        return normal_path("", (top[1] or "/")[1:])
    if place.current is None or "$" in target or target.startswith(("/", "~", "-")):
        return None
    if len(place.current) + len(target) > MAX_RESOLVED_CHARS:
        return None  # `cd a` ten thousand times: no such directory, and costly to build
    return normal_path(place.current, target)


def moved(
    command: ShellCommand, resolved: list[str], place: Place, script_directory: str | None
) -> Place:
    """Where the commands after `command` run: changed by `cd`, `pushd` and `popd` to a
    directory in the repository, or to one known only at run time (`cd "$X"`, `cd /tmp`).
    `resolved` are the command's arguments with what is known substituted; `script_directory`
    is the directory of the script file being read (for `cd "$(dirname "$0")"`)."""
    if command.name not in ("cd", "pushd", "popd"):
        return place
    arguments = [word for word in resolved if word not in ("-P", "-L", "-e", "-q", "--")]
    if command.name == "popd":
        if not place.stack:
            return Place(None, place.current)
        return Place(place.stack[-1], place.current, place.stack[:-1])
    stack = place.stack
    if command.name == "pushd":
        stack = (*place.stack[-(_MAX_STACK - 1) :], place.current)
    return Place(_target(arguments, place, script_directory), place.current, stack)
