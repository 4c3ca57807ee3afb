"""Variables a step writes to `$GITHUB_ENV` for the job's later steps: `NAME=value` lines from
`echo`, `printf` or a here-document redirected to it, or piped into `tee -a $GITHUB_ENV`."""

from __future__ import annotations

import re

from wizard.scan.items import CommandStep

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRINTF_PIECE = re.compile(r"%%|%s|%.?|\\.?|[^%\\]+", re.S)
_PRINTF_SAFE = frozenset({"%s", "%%"})
_ESCAPE = re.compile(r"\\.", re.S)
_PRINTF_ESCAPES = {"%%": "%", "\\n": "\n", "\\t": "\t", "\\\\": "\\"}


def _printf(words: list[str]) -> str | None:
    """What `printf FORMAT ARGS…` prints, for formats of `%s`, `%%` and `\\n`-style escapes
    (the format is reused while arguments remain, as the shell does); None for other formats."""
    if not words or words[0].startswith("-"):
        return None  # `printf -v NAME` assigns instead of printing
    pieces = _PRINTF_PIECE.findall(words[0])
    if any(piece.startswith("%") and piece not in _PRINTF_SAFE for piece in pieces):
        return None
    arguments = list(words[1:])
    slots = pieces.count("%s")
    out: list[str] = []
    while True:
        for piece in pieces:
            if piece == "%s":
                out.append(arguments.pop(0) if arguments else "")
            else:
                out.append(_PRINTF_ESCAPES.get(piece, piece))
        if not arguments or not slots:
            return "".join(out)


def _written_to_github_env(item: CommandStep) -> tuple[str, bool] | None:
    """The text a command appends to `$GITHUB_ENV` (`echo`, `printf` or `cat <<EOF` redirected
    to it, or one of those piped into `tee -a $GITHUB_ENV`, or `tee`'s own here-document), and
    whether the shell expands the variables in it."""
    command = item.command
    if command.name == "tee" and any("GITHUB_ENV" in word for word in command.words[1:]):
        if command.heredoc is not None:
            return command.heredoc, command.heredoc_expands
        command = command.piped_from or command
    elif not command.stdout or "GITHUB_ENV" not in command.stdout:
        return None
    words = command.words[1:]
    text = None
    if command.name == "echo":
        escapes = False
        while words and words[0] in ("-n", "-e", "-E", "-ne", "-en"):
            escapes = "e" in words[0] if words[0] != "-n" else escapes
            words = words[1:]
        text = " ".join(words)
        if escapes:
            text = _ESCAPE.sub(lambda m: _PRINTF_ESCAPES.get(m[0], m[0]), text)
    elif command.name == "printf":
        text = _printf(words)
    elif command.name == "cat" and not words and command.heredoc is not None:
        return command.heredoc, command.heredoc_expands
    return None if text is None else (text, True)


def github_env_exports(item: CommandStep) -> list[tuple[str, str | None]]:
    """`NAME=value` lines a command writes to `$GITHUB_ENV`: variables the job's later steps see
    (a value None when it would be longer than MAX_RESOLVED_CHARS). Multi-line values
    (`NAME<<DELIMITER`) are skipped."""
    written = _written_to_github_env(item)
    if written is None:
        return []
    text, expands = written
    # With a quoted here-document delimiter the shell leaves `$X` as written; GitHub's own
    # `${{ }}` in workflow text is substituted before the shell runs, so that still applies.
    resolve = item.resolve_complete if expands else item.resolve_expressions
    exports: list[tuple[str, str | None]] = []
    delimiter: str | None = None
    for row in text.splitlines():
        if delimiter is not None:
            delimiter = None if row == delimiter else delimiter
            continue
        name, sep, value = row.partition("=")
        if "<<" in name and not sep:
            name, delimiter = name.split("<<", 1)
            continue
        if sep and _ENV_NAME.fullmatch(name):
            exports.append((name, resolve(value)))
    return exports
