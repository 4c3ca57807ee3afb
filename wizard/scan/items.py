"""What the recognisers read: action uses and shell commands, each with the frame it runs in
(file, chain of files followed, static scope, conditions), and the scan's problem log."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from wizard.scan.context import ScanContext
from wizard.scan.expressions import Scope, ascii_int, text_of
from wizard.scan.shell import ShellCommand, ShellScript
from wizard.scan.shell_variables import expand
from wizard.yamlsafe import YMap


class ProblemLog:
    """Problems of this scan, each reported once however often a shared file is reached."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.seen: set[tuple[str, int | None, str]] = set()

    def __call__(self, path: str, line: int | None, message: str) -> None:
        key = (path, line, message)
        if key not in self.seen:
            self.seen.add(key)
            self.ctx.problem(path, line, message)


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a step is written and what it sees when it runs."""

    root: str  # the workflow the run starts from
    path: str  # the file the step is written in
    via: tuple[str, ...]  # local files followed from `root` to reach `path`
    scope: Scope
    conditions: tuple[Any, ...]  # `if:` values: the step's own first, then enclosing steps/jobs
    continue_on_error: tuple[Any, ...]
    steps_file: str  # the workflow or composite action whose `steps.<id>` the step sees
    workdir: str = ""  # repository-relative working directory of `run:` steps
    action_dir: str | None = None  # the composite action the step belongs to
    # A script file read through a command: GitHub substitutes no `${{ }}` in it, and its
    # positional parameters are the invoking command's arguments.
    script_arguments: tuple[str, ...] | None = None
    # Variables given on the command line of the make whose recipe this is: make passes them
    # to the makes its recipes run, where they win over the Makefile's own values.
    make_overrides: tuple[tuple[str, str], ...] = ()
    # Its `-i`, `-n` and `-e` (as "i", "n", "e"), which make passes on the same way.
    make_flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RunDefaults:
    shell: str = "bash"
    workdir: str = ""


@dataclass(slots=True)
class ActionStep:
    frame: Frame
    name: str  # `owner/repo[/path]`, lower case, without `@ref`
    line: int  # the `uses:` line
    inputs: Any  # the `with:` value
    step_id: str | None

    def input(self, key: str) -> Any:
        """A `with:` value; GitHub matches input names without regard to case."""
        if not isinstance(self.inputs, YMap):
            return None
        if key in self.inputs:
            return self.inputs[key]
        lowered = key.lower()
        return next((v for k, v in self.inputs.items() if k.lower() == lowered), None)

    def text(self, key: str) -> str | None:
        """The input as text with static `${{ }}` resolved; None when absent or not a scalar."""
        value = text_of(self.input(key))
        return None if value is None else self.frame.scope.resolve(value)


@dataclass(slots=True)
class CommandStep:
    frame: Frame
    command: ShellCommand
    script: ShellScript
    line: int  # the command's line in `frame.path`
    step_id: str | None

    def variable(self, name: str) -> str | None:
        """A shell variable's literal value here: assigned earlier in the script, a script
        argument, else from env (whose `${{ }}` GitHub substituted) or the runner's own."""
        assigned, value = self.script.variable(name, self.command.position)
        if assigned:
            return value
        if name in self.command.prefix_env:
            return self.command.prefix_env[name]
        arguments = self.frame.script_arguments
        position = ascii_int(name)
        if position is not None and arguments is not None:
            return arguments[position - 1] if 0 < position <= len(arguments) else None
        env = self.frame.scope.env.get(name)
        if env is None:
            return self.frame.scope.runner_variable(name)
        return self.frame.scope.resolve(env)

    def resolve(self, text: str) -> str:
        """`text` with literal shell variables and static expressions substituted (expressions
        only where GitHub substitutes them: in workflow and action text, not in script files);
        as written when that would make it longer than MAX_RESOLVED_CHARS."""
        resolved = self.resolve_complete(text)
        return text if resolved is None else resolved

    def resolve_expressions(self, text: str) -> str | None:
        """`text` with static `${{ }}` values substituted where GitHub substitutes them (in
        workflow and action text), shell variables left as written; None past
        MAX_RESOLVED_CHARS."""
        if self.frame.script_arguments is not None:
            return text
        return self.frame.scope.resolve_complete(text)

    def resolve_complete(self, text: str) -> str | None:
        """`resolve`, or None when the result would be longer than MAX_RESOLVED_CHARS."""
        for _ in range(3):
            resolved = expand(text, self.variable)
            if resolved is not None:
                resolved = self.resolve_expressions(resolved)
            if resolved is None:
                return None
            if resolved == text:
                break
            text = resolved
        return text


Item = ActionStep | CommandStep


# How a path names the checkout (actions/checkout puts the repository in the workspace).
WORKSPACE_PREFIXES = ("$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/", "${{ github.workspace }}/")


def workspace_relative(path: str) -> str | None:
    """`path` relative to the repository's root when it is written from the workspace
    (`$GITHUB_WORKSPACE/x`, `${{ github.workspace }}/x`); None when it is not."""
    for prefix in WORKSPACE_PREFIXES:
        if path in (prefix, prefix.rstrip("/")):
            return ""
        if path.startswith(prefix):
            return normal_path("", path[len(prefix) :])
    return None


def working_directory(written: str | None, default: str) -> str:
    """A `working-directory:` value as a repository-relative directory."""
    if not written:
        return default
    anchored = workspace_relative(written)
    return anchored if anchored is not None else normal_path("", written) or ""


def normal_path(base: str, path: str) -> str | None:
    """`path` relative to `base`, normalised; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return "" if joined == "." else joined
