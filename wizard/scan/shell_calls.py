"""How a shell command runs more shell (a script file: `./x.sh`, `bash x.sh`, `source x`; an
inline script: `bash -c '…'`), which interpreter a script's `#!` line names, and where `cd`
moves the commands after it."""

from __future__ import annotations

import posixpath

from wizard.scan.items import normal_path
from wizard.scan.shell import ShellCommand

_POSIX_SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})


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


def working_directory(
    command: ShellCommand, resolved: list[str], current: str | None
) -> str | None:
    """Where the commands after `command` run: changed by `cd DIR`/`pushd DIR` to a directory
    in the repository, unknown (None) after one it cannot name (`cd "$X"`, `cd /tmp`, `popd`).
    `resolved` are the command's arguments with what is known substituted."""
    if command.name not in ("cd", "pushd", "popd"):
        return current
    arguments = [word for word in resolved if word not in ("-P", "-L", "-e", "--")]
    if command.name == "popd" or current is None or len(arguments) != 1:
        return None
    target = arguments[0]
    if "$" in target or target.startswith(("/", "~", "-")):
        return None
    return normal_path(current, target)
