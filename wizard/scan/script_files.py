"""Repository scripts a command runs (`./x.sh`, `bash x.sh`, `source x`), read as commands of
the job in the directory the command runs in."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import TYPE_CHECKING

from wizard.scan.items import CommandStep, Item, normal_path, workspace_relative

if TYPE_CHECKING:
    from wizard.scan.indirection import StepReader

# How a composite action names its own directory.
_ACTION_PATH = ("${{ github.action_path }}", "${GITHUB_ACTION_PATH}", "$GITHUB_ACTION_PATH")


def _script_path(reader: StepReader, item: CommandStep, raw: str, directory: str) -> str | None:
    """The script file `raw` names, from the workspace, the directory the command runs in or
    the calling file's directory; None when it is not in the repository."""
    text = item.resolve(raw)
    if item.frame.action_dir is not None:
        for marker in _ACTION_PATH:
            text = text.replace(marker, item.frame.action_dir)
    anchored = workspace_relative(text)
    if anchored is not None:
        return anchored if reader.ctx.exists(anchored) else None
    if "$" in text or text.startswith(("/", "~")):
        return None
    for base in (directory, posixpath.dirname(item.frame.path)):
        candidate = normal_path(base, text)
        if candidate and reader.ctx.exists(candidate):
            return candidate
    return None

def follow_script(
    reader: StepReader,
    item: CommandStep,
    raw: str,
    directory: str | None,
    exports: dict[str, str],
    items: list[Item],
) -> None:
    """A script file the command runs, read in the directory the command runs in. After a `cd`
    to a place known only at run time (`cd "$ROOT"`, a loop's `cd "$svc"`), it is looked up
    from the step's working directory, as before `cd` was followed: release scripts mostly
    `cd` back to the repository's root first."""
    base = item.frame.workdir if directory is None else directory
    path = _script_path(reader, item, raw, base)
    if path is None or not reader.may_follow(item.frame, path, item.line):
        return
    script = reader.load_script(path)
    if script is None:
        return
    words = item.command.words
    arguments = tuple(item.resolve(word) for word in words[words.index(raw) + 1 :])
    frame = replace(
        item.frame, path=path, via=(*item.frame.via, path), script_arguments=arguments,
        workdir=item.frame.workdir if directory is None else directory,
    )
    reader.read_commands(
        script, frame, 0, item.step_id, exports, items, directory,
        script_directory=posixpath.dirname(path),
    )
