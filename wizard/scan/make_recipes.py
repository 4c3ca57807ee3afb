"""The recipes a `make` command runs, read as shell commands of the job at their Makefile lines.

The goals named (else the default one) run after their prerequisites; each recipe line is one
shell, as in make. The recipes see the caller's environment plus what the command line adds
(`NAME=value make …` and `make NAME=value`), and a make they run inherits the command-line values.
A `-` line, `make -i` or `.IGNORE` goes on after a failure (a failing scan there does not block);
under `make -n` only the lines make still runs (`+`, `$(MAKE)`) are read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from wizard.scan.expressions import Scope
from wizard.scan.items import CommandStep, Item
from wizard.scan.make_call import MakeCall, makefile_location
from wizard.scan.makefile import Makefile, RecipeLine, Variables, parse_makefile
from wizard.scan.shell_variables import expand_variables

if TYPE_CHECKING:
    from wizard.scan.indirection import StepReader


def _ignores_errors(makefile: Makefile, target: str, call: MakeCall, line: RecipeLine) -> bool:
    special = makefile.rules.get(".IGNORE")
    ignored = special is not None and (not special.prerequisites or target in special.prerequisites)
    return call.ignore_errors or line.ignore_errors or ignored


def _exported_by_caller(item: CommandStep) -> dict[str, str]:
    """The calling script's own variables it exported before running make, with their values
    (unknown ones are left out: the recipes then see the env the step had)."""
    values = {}
    for name in item.script.exported:
        assigned, value = item.script.variable(name, item.command.position)
        if assigned and value is not None:
            values[name] = item.resolve(value)
    return values


def _exported_by_makefile(
    makefile: Makefile, overrides: dict[str, str], env: Scope, environment_first: bool
) -> dict[str, str]:
    """`export NAME = value` in the Makefile: NAME in the recipes' environment, when known."""
    values = {}
    for name in makefile.exported:
        expanded = makefile.expand(
            f"$({name})", None, {}, overrides, env.env.__contains__, environment_first
        )
        known = expand_variables(
            makefile.shell_text(expanded),
            lambda var: env.resolve(env.env[var]) if var in env.env else None,
        )
        if "$" not in known:
            values[name] = known
    return values


def _makefile(reader: StepReader, path: str) -> Makefile | None:
    if path not in reader.makefiles:
        text = reader.ctx.read_text(path)
        reader.makefiles[path] = parse_makefile(text) if text is not None else None
    return reader.makefiles[path]


def follow_make(
    reader: StepReader,
    item: CommandStep,
    call: MakeCall,
    directory: str | None,
    exports: dict[str, str],
    items: list[Item],
) -> None:
    """Append the commands `call` runs when started in `directory` (None: a `cd` before it
    went somewhere known only at run time)."""
    frame = item.frame
    inherited = frame.make_flags
    call = replace(
        call,
        ignore_errors=call.ignore_errors or "i" in inherited,
        dry_run=call.dry_run or "n" in inherited,
        environment_first=call.environment_first or "e" in inherited,
    )
    flags = frozenset(
        flag for flag, on in (("i", call.ignore_errors), ("n", call.dry_run),
                              ("e", call.environment_first)) if on
    )
    if directory is None:
        reader.problem(
            frame.path, item.line,
            "`make` here is not followed: the directory it runs in (after `cd`) is only known "
            "at run time",
        )
        return
    found = makefile_location(call, directory, item.resolve, reader.ctx.exists)
    if isinstance(found, str):
        reader.problem(
            frame.path, item.line,
            f"`make` here is not followed: where it runs or which Makefile it reads (`{found}`) "
            "is only known at run time",
        )
        return
    if found is None or not reader.may_follow(frame, found[0], item.line, again=True):
        return
    path, workdir = found
    makefile = _makefile(reader, path)
    if makefile is None:
        return
    goals = [item.resolve(goal) for goal in call.goals]
    for goal in goals:
        if "$" in goal:
            reader.problem(
                frame.path, item.line,
                f"`make` goal `{goal}` is only known at run time; its recipe is not read",
            )
    if not call.goals and makefile.default_goal is None and makefile.rules:
        reader.problem(
            frame.path, item.line,
            f"`make` here runs the default goal of {path}, which cannot be named without "
            "running make (its first target is written with a variable, in a conditional or in "
            "an included file); its recipes are not read",
        )
    goals = [g for g in goals if "$" not in g] if call.goals else [makefile.default_goal or ""]
    overrides = {
        **dict(frame.make_overrides),
        **{name: item.resolve(value) for name, value in call.overrides.items()},
    }
    key = (path, workdir, tuple(goals), tuple(sorted(overrides.items())), call.dry_run,
           call.ignore_errors, call.environment_first)
    if key in reader.made:  # the same make again in this job adds nothing new
        return
    reader.made.add(key)
    environment = {
        **_exported_by_caller(item),
        **{name: item.resolve(value) for name, value in item.command.prefix_env.items()},
        **overrides,
    }
    scope = frame.scope.with_env(environment)
    scope = scope.with_env(
        _exported_by_makefile(makefile, overrides, scope, call.environment_first)
    )
    in_environment = scope.env.__contains__
    recipes = replace(
        frame,
        path=path,
        via=(*frame.via, path),
        workdir=workdir,
        script_arguments=(),
        scope=scope,
        make_overrides=tuple(overrides.items()),
        make_flags=flags,
    )

    for target, scoped in makefile.build_order(goals):

        def expand(text: str, target: str = target, scoped: Variables = scoped) -> str:
            return makefile.shell_text(makefile.expand(
                text, target, scoped, overrides, in_environment, call.environment_first
            ))

        for line, shell in _shells(makefile, target, call, expand):
            script = reader.parse_shell(shell, path, line)
            if script is not None:
                reader.read_commands(
                    script, recipes, line - 1, item.step_id, exports, items, workdir
                )


def _shells(
    makefile: Makefile, target: str, call: MakeCall, expand: Callable[[str], str]
) -> list[tuple[int, str]]:
    """The shells a target's recipe runs, each with the line it starts on: one per line, or one
    for the whole recipe under `.ONESHELL` (blank lines keep each command at its line)."""
    recipe = makefile.rules[target].recipe
    if ".ONESHELL" in makefile.rules:
        # One shell: make runs all of it, under -n too when any line is `+` or $(MAKE).
        lines = recipe if not call.dry_run or any(line.always for line in recipe) else []
    else:
        lines = [line for line in recipe if line.always or not call.dry_run]
    if ".ONESHELL" in makefile.rules and lines:
        text, row = "", lines[0].line
        for line in lines:
            expanded = expand(line.text)
            text += "\n" * max(0, line.line - row) + expanded
            row = line.line + expanded.count("\n")
        return [(lines[0].line, _guarded(text, _ignores_errors(makefile, target, call, lines[0])))]
    return [
        (line.line, _guarded(expand(line.text), _ignores_errors(makefile, target, call, line)))
        for line in lines
    ]


def _guarded(shell: str, ignore_errors: bool) -> str:
    # A guard the shell reader knows: a failure there is not the job's.
    return "{ " + shell + "\n} || true" if ignore_errors else shell
