"""A job's steps as one ordered stream of action uses and shell commands, wherever they are written.

Local composite actions (`uses: ./path`) and repository scripts a `run:` step invokes are read in
place (never executed), so a push hidden behind them is seen at the line that does it, with the
chain of files it was reached through. Cycles stop; going deeper than MAX_SCRIPT_DEPTH is a problem.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from wizard.limits import MAX_RESOLVED_CHARS, MAX_SCRIPT_BYTES, MAX_SCRIPT_DEPTH
from wizard.scan.context import ScanContext
from wizard.scan.expressions import Scope, oversized_env, static_env, text_of
from wizard.scan.github_env import github_env_exports
from wizard.scan.inline_scripts import follow_inline
from wizard.scan.items import (
    ActionStep,
    CommandStep,
    Frame,
    Item,
    ProblemLog,
    RunDefaults,
    normal_path,
    working_directory,
)
from wizard.scan.make_call import make_call
from wizard.scan.make_recipes import follow_make
from wizard.scan.makefile import Makefile
from wizard.scan.script_files import follow_script
from wizard.scan.shell import RELEASE_TOOLS, ShellScript, parse_script
from wizard.scan.shell_calls import (
    Place,
    inline_script,
    is_posix_shell,
    moved,
    runs_in_posix_shell,
    script_target,
)
from wizard.scan.triggers import input_defaults
from wizard.yamlsafe import YMap, YSeq, YStr

# Only scripts that mention one of these can push, scan, sign, export or call another script.
_WORTH_PARSING = re.compile(
    "|".join(RELEASE_TOOLS) + r"|GITHUB_ENV|source|\bsh\b|bash|make\b|/|\.\s"
)
# Words in a local action's directory, name or description that suggest it publishes.
_PUBLISHING = re.compile(r"\b(publish|push)", re.I)
_IMAGE_WORDS = re.compile(r"\b(image|container|docker|oci|ghcr|registry|registries)", re.I)


class StepReader:
    """Reads jobs' steps into Items, following local actions and scripts; caches what it reads."""

    def __init__(self, ctx: ScanContext, problem: ProblemLog) -> None:
        self.ctx = ctx
        self.problem = problem
        self.scripts: dict[str, ShellScript | None] = {}
        # Parsed once per text: YAML aliases, matrix combinations and copies reach the same one.
        self.parsed: dict[str, ShellScript] = {}
        self.makefiles: dict[str, Makefile | None] = {}
        # make calls already followed in the job being read (see make_recipes.follow_make).
        self.made: set[tuple[object, ...]] = set()
        self.read_bytes = 0
        self.over_budget: set[str] = set()  # files whose shell was not read, said once each

    def may_follow(self, frame: Frame, target: str, line: int, again: bool = False) -> bool:
        """Whether `target` can be read from `frame` (no cycle, within the depth limit).
        `again`: reading the file being read is no cycle (make calling its own Makefile)."""
        cycle = target in (frame.root, frame.path) or target in frame.via
        if cycle and not (again and target == frame.path):
            chain = " -> ".join((frame.root, *frame.via))
            self.problem(
                frame.path, line, f"`{target}` is not followed again: it is already read through "
                f"{chain}"
            )
            return False
        if len(frame.via) >= MAX_SCRIPT_DEPTH:
            self.problem(
                frame.path, line,
                f"`{target}` is not followed: it is more than {MAX_SCRIPT_DEPTH} levels of local "
                "actions, reusable workflows, scripts and make calls deep",
            )
            return False
        return True

    def call_inputs(
        self, uses: str, caller: YMap, defaults: dict[str, str], frame: Frame
    ) -> dict[str, str]:
        """The inputs a local action or reusable workflow receives: its declared defaults, then
        the caller's `with:` values resolved in the caller's scope."""
        given = caller.get("with")
        if given is not None and not isinstance(given, YMap):
            self.problem(
                frame.path, caller.line_of("with"),
                f"`with:` of `{uses}` is not a mapping; its inputs keep their defaults",
            )
        inputs = dict(defaults)
        if isinstance(given, YMap):
            for key, value in given.items():
                text = text_of(value)
                if text is not None:
                    inputs[key] = frame.scope.resolve(text)
        return inputs

    def job_items(self, steps: Any, frame: Frame, defaults: RunDefaults, job: str) -> list[Item]:
        items: list[Item] = []
        self.made = set()
        self._steps(steps, frame, defaults, job, {}, items)
        return items

    def _steps(
        self,
        steps: Any,
        frame: Frame,
        defaults: RunDefaults,
        job: str,
        exports: dict[str, str],
        items: list[Item],
    ) -> None:
        if steps is None:
            return
        if not isinstance(steps, YSeq):
            line = steps.line if isinstance(steps, YMap | YStr) else None
            self.problem(frame.path, line, f"`steps` of job `{job}` is not a list; not read")
            return
        for index, step in enumerate(steps):
            line = steps.line_of(index)
            if not isinstance(step, YMap):
                self.problem(
                    frame.path, line, f"step {index + 1} of job `{job}` is not a mapping; skipped"
                )
                continue
            self._step(step, frame, defaults, job, exports, items)

    def _step(
        self,
        step: YMap,
        frame: Frame,
        defaults: RunDefaults,
        job: str,
        exports: dict[str, str],
        items: list[Item],
    ) -> None:
        workdir = text_of(step.get("working-directory"))
        step_env = static_env(step.get("env"))
        scope = frame.scope.with_env({**exports, **step_env})
        oversized = scope.oversized(list(step_env))
        for name in oversized:
            self.problem(frame.path, step.line_of("env"), oversized_env(name))
        step_frame = replace(
            frame,
            scope=scope.unknown(oversized),
            conditions=_prepend(step.get("if"), frame.conditions),
            continue_on_error=_prepend(step.get("continue-on-error"), frame.continue_on_error),
            workdir=working_directory(workdir, defaults.workdir),
        )
        step_id = text_of(step.get("id"))
        uses, run = step.get("uses"), step.get("run")
        if uses is not None:
            if not isinstance(uses, str):
                self.problem(frame.path, step.line_of("uses"), "`uses:` is not text; step skipped")
            elif uses.startswith("./"):
                self._local_action(uses, step, step_frame, job, exports, items)
            elif not uses.startswith("docker://"):
                name = uses.split("@", 1)[0].strip().lower()
                items.append(
                    ActionStep(step_frame, name, step.line_of("uses"), step.get("with"), step_id)
                )
        elif run is not None:
            if not isinstance(run, str):
                self.problem(frame.path, step.line_of("run"), "`run:` is not text; step skipped")
                return
            shell = text_of(step.get("shell")) or defaults.shell
            if not is_posix_shell(shell):
                return
            script = self.parse_shell(run, frame.path, step.line_of("run"))
            if script is None:
                return
            offset = run.content_line - 1 if isinstance(run, YStr) else step.line_of("run") - 1
            self.read_commands(
                script, step_frame, offset, step_id, exports, items, step_frame.workdir
            )

    def read_commands(
        self,
        script: ShellScript,
        frame: Frame,
        offset: int,
        step_id: str | None,
        exports: dict[str, str],
        items: list[Item],
        directory: str | None,
        inline_depth: int = 0,
        at_line: int | None = None,
        script_directory: str | None = None,
    ) -> None:
        """Items for the commands of `script` (at their line plus `offset`, or all at `at_line`),
        following the scripts, inline shells and Makefiles they run. `directory` is where the
        script starts (None: known only at run time); a `cd` moves the commands after it in
        the same subshell, substitution or function body, and in those it encloses.
        `script_directory`: where the script file itself is, when it is one."""
        if script.unread_tools and script.syntax_error is not None:
            # Only then: the shell parser also stumbles on valid scripts, which is noise
            # unless something that matters may have been lost.
            line, tool = script.unread_tools[0]
            self.problem(
                frame.path, line + offset,
                f"`{tool}` here was not read as a command: the shell parser lost track of the "
                f"script from line {script.syntax_error + offset} (a syntax error?), so what "
                "this line does is not counted",
            )
        if script.oversized:
            self.problem(
                frame.path, script.oversized[0] + offset,
                f"the shell variable assigned here grows past {MAX_RESOLVED_CHARS} characters; "
                "its value is taken as unknown",
            )
        places: dict[tuple[int, ...], Place] = {(): Place(directory)}
        moved_in: set[tuple[int, ...]] = set()  # scopes where a `cd` ran
        for command in script.commands:
            line = at_line if at_line is not None else command.line + offset
            item = CommandStep(frame, command, script, line, step_id)
            items.append(item)
            place = places.get(command.scope) or _innermost(places, command.scope)
            # Kept: the scopes enclosing an open one cannot change while it is open.
            places[command.scope] = place
            here = place.current
            target = script_target(command)
            if target is not None:
                follow_script(self, item, target, here, exports, items)
            inline = inline_script(command)
            if inline is not None:
                follow_inline(self, item, inline, here, exports, items, inline_depth)
            call = make_call(command.words)
            if call is not None:
                follow_make(self, item, call, here, exports, items)
            if command.name in ("cd", "pushd", "popd"):
                resolved = [item.resolve(word) for word in command.words[1:]]
                places[command.scope] = moved(command, resolved, place, script_directory)
                moved_in.add(command.scope)
            body = script.functions.get(command.name)
            if body is not None and body in moved_in:
                # A function runs in the calling shell: its body's last `cd` moves the caller.
                places[command.scope] = places[body]
            for name, value in github_env_exports(item):
                # Refers to itself, so every later substitution leaves it as written.
                unknown = f"${{{{ env.{name} }}}}"
                if value is None:
                    self.problem(
                        frame.path, item.line,
                        f"the value exported as `{name}` grows past {MAX_RESOLVED_CHARS} "
                        "characters; later steps see it as unknown",
                    )
                # Built from its own unknown value, it stays unknown.
                exports[name] = unknown if value is None or unknown in value else value

    def load_script(self, path: str) -> ShellScript | None:
        if path in self.scripts:
            return self.scripts[path]
        text = self.ctx.read_text(path)
        script = None
        if text is not None and runs_in_posix_shell(text):
            script = self.parse_shell(text, path, None)
        self.scripts[path] = script
        return script

    def parse_shell(self, text: str, path: str, line: int | None) -> ShellScript | None:
        """The script's commands, parsed once per text; None (a problem) once the scan has read
        MAX_SCRIPT_BYTES of shell, every read counted: each puts all its commands in a job."""
        script = self.parsed.get(text)
        if script is None and not _WORTH_PARSING.search(text):
            script = self.parsed[text] = ShellScript([], {})
        if script is not None and not script.commands:
            return script
        if self.read_bytes + len(text) > MAX_SCRIPT_BYTES:
            if path not in self.over_budget:
                self.over_budget.add(path)
                self.problem(
                    path, line,
                    f"shell script not read: the scan already read {self.read_bytes} of the "
                    f"{MAX_SCRIPT_BYTES} bytes of shell it reads at most",
                )
            return None
        self.read_bytes += len(text)
        if script is None:
            script = self.parsed[text] = parse_script(text)
        return script

    def _local_action(
        self,
        uses: str,
        step: YMap,
        frame: Frame,
        job: str,
        exports: dict[str, str],
        items: list[Item],
    ) -> None:
        line = step.line_of("uses")
        directory = normal_path("", uses[2:].rstrip("/"))
        if directory is None:
            self.problem(frame.path, line, f"local action `{uses}` leaves the repository; not read")
            return
        prefix = f"{directory}/" if directory else ""
        path = next(
            (p for p in (f"{prefix}action.yml", f"{prefix}action.yaml") if self.ctx.exists(p)), None
        )
        if path is None:
            message = f"local action `{uses}` has no action.yml or action.yaml"
            self.problem(frame.path, line, message)
            return
        if not self.may_follow(frame, path, line):
            return
        root = self.ctx.load_yaml(path)
        if root is None:
            return
        runs = root.get("runs") if isinstance(root, YMap) else None
        if not isinstance(runs, YMap):
            self.problem(path, getattr(root, "line", None), "action has no `runs:` mapping")
            return
        using = text_of(runs.get("using")) or ""
        if using != "composite":
            # JavaScript and Docker actions have no steps to read; say so when they look like
            # they publish, since what they push is not counted.
            about = " ".join(text_of(root.get(key)) or "" for key in ("name", "description"))
            described = f"{directory} {about}"
            if _PUBLISHING.search(described) and _IMAGE_WORDS.search(described):
                self.problem(
                    frame.path, line,
                    f"local action `{uses}` runs {using or 'an unknown runtime'} code, which is "
                    "not read; if it publishes an image, that publication is not counted",
                )
            return
        inputs = self.call_inputs(uses, step, input_defaults(root.get("inputs")), frame)
        inner = replace(
            frame,
            path=path,
            via=(*frame.via, path),
            scope=replace(frame.scope, env=resolved_env(frame.scope), inputs=inputs),
            steps_file=path,
            workdir="",
            action_dir=directory,
        )
        self._steps(runs.get("steps"), inner, RunDefaults(), job, exports, items)


def _innermost(places: dict[tuple[int, ...], Place], scope: tuple[int, ...]) -> Place:
    """Where the last `cd` in `scope`, or in the nearest scope enclosing it, went."""
    for depth in range(len(scope), -1, -1):
        if scope[:depth] in places:
            return places[scope[:depth]]
    return places[()]


def resolved_env(scope: Scope) -> dict[str, str]:
    """The env with its own expressions resolved, before it moves into a scope with other inputs."""
    return {key: scope.resolve(value) for key, value in scope.env.items()}


def _prepend(value: Any, rest: tuple[Any, ...]) -> tuple[Any, ...]:
    return rest if value is None else (value, *rest)
