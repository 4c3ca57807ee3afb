"""One job read as a whole: its static matrix, its token's `id-token` grant, its run defaults, and
the recognisers run over its steps in order."""

from __future__ import annotations

import itertools
import math
import posixpath
from dataclasses import replace
from typing import Any

from wizard.facts import BuildSource
from wizard.limits import MAX_MATRIX_COMBINATIONS
from wizard.scan.arguments import unwrap
from wizard.scan.checks import CHECK_COMMANDS
from wizard.scan.commands import PUSH_COMMANDS
from wizard.scan.expressions import text_of
from wizard.scan.findings import JobFacts, JobState
from wizard.scan.items import ActionStep, Item, ProblemLog, RunDefaults, working_directory
from wizard.scan.steps import recognise_action
from wizard.yamlsafe import YMap, YSeq

Combination = dict[str, str]


def recognise(items: list[Item], problem: ProblemLog) -> JobFacts:
    """What a job's steps push, scan, sign, attest and build, in the order they run."""
    state = JobState()
    facts = JobFacts()
    for item in items:
        if isinstance(item, ActionStep):
            recognise_action(item, state, facts, problem)
            continue
        words = unwrap(item.command.words)
        if not words:
            continue
        tool = posixpath.basename(words[0])
        recogniser = PUSH_COMMANDS.get(tool) or CHECK_COMMANDS.get(tool)
        if recogniser is not None:
            recogniser(item, words, state, facts)
    for draft, start in state.watchers:
        # A watching cache push uploads whatever the job builds after it starts.
        attrs = list(dict.fromkeys(state.built_attrs[start:]))
        sources = [BuildSource("nix", f".#{a}") for a in attrs] or [draft.build_source]
        facts.drafts.extend(replace(draft, build_source=source) for source in sources)
    return facts


def id_token_grant(permissions: Any) -> bool | None:
    """Whether a `permissions:` block grants `id-token: write`; None when none is declared."""
    if permissions is None:
        return None
    if isinstance(permissions, YMap):
        return text_of(permissions.get("id-token")) == "write"
    return text_of(permissions) == "write-all"


def run_defaults(job: YMap, workflow: RunDefaults) -> RunDefaults:
    """`defaults.run` of the job over the workflow's; Windows runners default to pwsh."""
    defaults = job.get("defaults")
    run = defaults.get("run") if isinstance(defaults, YMap) else None
    shell = text_of(run.get("shell")) if isinstance(run, YMap) else None
    workdir = text_of(run.get("working-directory")) if isinstance(run, YMap) else None
    if shell is None and _on_windows(job.get("runs-on")):
        shell = "pwsh"
    return RunDefaults(
        shell=shell or workflow.shell,
        workdir=working_directory(workdir, workflow.workdir),
    )


def workflow_run_defaults(root: YMap) -> RunDefaults:
    defaults = root.get("defaults")
    run = defaults.get("run") if isinstance(defaults, YMap) else None
    if not isinstance(run, YMap):
        return RunDefaults()
    workdir = text_of(run.get("working-directory"))
    return RunDefaults(
        shell=text_of(run.get("shell")) or "bash",
        workdir=working_directory(workdir, ""),
    )


def _on_windows(runs_on: Any) -> bool:
    labels = runs_on if isinstance(runs_on, YSeq) else [runs_on]
    return any((text_of(label) or "").startswith("windows") for label in labels)


def needs_of(job: YMap) -> list[str]:
    needs = job.get("needs")
    if isinstance(needs, YSeq):
        return [text for text in (text_of(n) for n in needs) if text]
    text = text_of(needs)
    return [text] if text else []


def _axis(values: Any) -> list[str | None] | None:
    """An axis's values (None for a non-scalar one); None when it is computed at run time."""
    if not isinstance(values, YSeq):
        return None
    return [text_of(value) for value in values]


def _scalars(entry: Any) -> dict[str, str]:
    if not isinstance(entry, YMap):
        return {}
    return {k: t for k, t in ((k, text_of(v)) for k, v in entry.items()) if t is not None}


def matrix_combinations(
    job: YMap, path: str, job_id: str, problem: ProblemLog
) -> list[Combination] | None:
    """The static `strategy.matrix` combinations with `include`/`exclude` applied as GitHub does;
    None when there is no matrix or it is computed at run time."""
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
    if not isinstance(matrix, YMap):
        return None
    axes: dict[str, list[str | None]] = {}
    for key, values in matrix.items():
        if key in ("include", "exclude"):
            continue
        axis = _axis(values)
        if axis is None:
            return None
        axes[key] = axis
    size = math.prod(len(values) for values in axes.values()) if axes else 0
    if size > MAX_MATRIX_COMBINATIONS:
        problem(
            path, matrix.line,
            f"the matrix of job `{job_id}` has {size} combinations, more than the "
            f"{MAX_MATRIX_COMBINATIONS} expanded; its matrix values stay unresolved",
        )
        return None
    combinations: list[dict[str, str | None]] = (
        [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
        if axes
        else []
    )
    excludes = [_scalars(e) for e in matrix.get("exclude") or [] if isinstance(e, YMap)]
    combinations = [
        c for c in combinations
        if not any(e and all(c.get(k) == v for k, v in e.items()) for e in excludes)
    ]
    original = list(combinations)
    for entry in matrix.get("include") or []:
        extra = _scalars(entry)
        matched = False
        for combination in original:
            if all(combination.get(k) == v for k, v in extra.items() if k in axes):
                combination.update({k: v for k, v in extra.items() if k not in axes})
                matched = True
        if not matched and extra:
            combinations.append(dict(extra))
    return [{k: v for k, v in c.items() if v is not None} for c in combinations]
