"""Scripts a shell is given inline (`bash -c '…' NAME ARGS…`), read as commands of the job."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from wizard.limits import MAX_SCRIPT_DEPTH
from wizard.scan.items import CommandStep, Item
from wizard.scan.shell import parse_script
from wizard.scan.shell_variables import expand_variables, variable_named

if TYPE_CHECKING:
    from wizard.scan.indirection import StepReader



def follow_inline(
    reader: StepReader,
    item: CommandStep,
    index: int,
    directory: str | None,
    exports: dict[str, str],
    items: list[Item],
    depth: int,
) -> None:
    """The commands of `bash -c '…' NAME ARGS…`, whose `$1`… are ARGS. The caller's own
    variables are substituted first where the inline script does not set them (as the
    shell does for a double-quoted script; in a single-quoted one that takes them as
    exported, which they usually are). A script written in place keeps its lines; one that
    comes from a variable is put at the command's line."""
    frame, words = item.frame, item.command.words
    if depth >= MAX_SCRIPT_DEPTH:
        reader.problem(
            frame.path, item.line,
            f"the script of this `{item.command.name} -c` is not read: it is more than "
            f"{MAX_SCRIPT_DEPTH} inline shells deep",
        )
        return
    written = words[index]
    text = item.resolve_expressions(written) or written
    whole = variable_named(text)
    if whole and not whole.isdigit():  # `bash -c "$SCRIPT"`: the script is the variable's value
        text = item.variable(whole) or text
    own = parse_script(text).assignments
    text = expand_variables(
        text, lambda name: None if name in own or name.isdigit() else item.variable(name)
    )
    script = reader.parse_shell(text, frame.path, item.line)
    if script is None:
        return
    arguments = tuple(item.resolve(word) for word in words[index + 2 :])
    workdir = frame.workdir if directory is None else directory
    inner = replace(frame, script_arguments=arguments, workdir=workdir)
    lines = item.command.word_lines
    literal = "$" not in written and index < len(lines)
    offset = lines[index] - 1 - (item.command.line - item.line) if literal else 0
    reader.read_commands(
        script, inner, offset, item.step_id, exports, items, directory, depth + 1,
        at_line=None if literal else item.line,
    )
