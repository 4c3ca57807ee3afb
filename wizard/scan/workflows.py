"""GitHub Actions workflows: every step that publishes an image, a flake or store paths.

CONTRACT (implemented by the workflows helper; see tests/scan/test_workflows*.py):

    scan_workflows(ctx) -> WorkflowScan

Returns one Publication per pushing step (artifact_match left False: the orchestrator decides it)
and every flake attribute a workflow builds without publishing (validation output).

Workflows are the `.yml`/`.yaml` files directly in `ctx.config.workflows_dir`. A workflow that only
`workflow_call` can start is read through its callers (with their triggers and inputs), not alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from wizard.facts import Provenance, Publication, ValidationBuild
from wizard.scan.context import ScanContext
from wizard.scan.expressions import Scope, github_context, oversized_env, static_env, text_of
from wizard.scan.findings import JobFacts
from wizard.scan.indirection import StepReader
from wizard.scan.items import Frame, ProblemLog, normal_path
from wizard.scan.jobs import (
    Combination,
    id_token_grant,
    matrix_combinations,
    needs_of,
    recognise,
    run_defaults,
    workflow_run_defaults,
)
from wizard.scan.linking import JobNode, nix_builds, publications
from wizard.scan.targets import Guarded, targets_of
from wizard.scan.triggers import call_input_defaults, only_called, workflow_triggers
from wizard.yamlsafe import YMap

__all__ = ["WorkflowScan", "scan_workflows"]


# Only for the modules still importing this name (artifact.py, statements.py); use
# wizard.facts.ValidationBuild.


@dataclass
class WorkflowScan:
    publications: list[Publication] = field(default_factory=list)
    # Flake outputs built without being published (`attr` without `.#`; a bare flake: `default`).
    nix_builds: list[ValidationBuild] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Caller:
    """The job of another workflow that calls this one, and what it hands down."""

    job: str
    via: tuple[str, ...]
    inputs: dict[str, str]
    conditions: tuple[Any, ...]
    id_token: bool


class _WorkflowReader:
    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.problem = ProblemLog(ctx)
        self.steps = StepReader(ctx, self.problem)
        self.github = github_context(ctx.repo.github_slug)

    def jobs(self, top: str, path: str, root: YMap, caller: _Caller | None) -> list[JobNode]:
        """Every job of the workflow at `path` (and of the workflows it calls) as linkable nodes."""
        jobs = root.get("jobs")
        if not isinstance(jobs, YMap):
            line = root.line_of("jobs") if "jobs" in root else root.line
            self.problem(path, line, "`jobs` is not a mapping of job ids to jobs; no job is read")
            return []
        nodes: list[JobNode] = []
        for job_id, job in jobs.items():
            if not isinstance(job, YMap):
                message = f"job `{job_id}` is not a mapping; skipped"
                self.problem(path, jobs.line_of(job_id), message)
                continue
            nodes.extend(self._job(top, path, root, job_id, job, caller))
        return nodes

    def _job(
        self, top: str, path: str, root: YMap, job_id: str, job: YMap, caller: _Caller | None
    ) -> list[JobNode]:
        prefix = f"{caller.job}/" if caller else ""
        full_id = f"{prefix}{job_id}"
        own = id_token_grant(job.get("permissions"))
        if own is None:
            own = id_token_grant(root.get("permissions"))
        if caller is None:
            id_token = bool(own)
        else:
            # A called workflow can narrow the caller's token, never widen it.
            id_token = caller.id_token if own is None else own and caller.id_token
        job_env = static_env(job.get("env"))
        scope = Scope(
            {**static_env(root.get("env")), **job_env},
            caller.inputs if caller else {},
            github=self.github,
        )
        oversized = scope.oversized(list(scope.env))
        for name in oversized:
            where = job if name in job_env else root
            self.problem(path, where.line_of("env"), oversized_env(name))
        frame = Frame(
            root=top,
            path=path,
            via=caller.via if caller else (),
            scope=scope.unknown(oversized),
            conditions=(
                *((job["if"],) if "if" in job else ()),
                *(caller.conditions if caller else ()),
            ),
            continue_on_error=(job["continue-on-error"],) if "continue-on-error" in job else (),
            steps_file=path,
        )
        needs = [f"{prefix}{need}" for need in needs_of(job)]

        def expand(combination: Combination) -> list[JobNode]:
            scoped = replace(frame, scope=replace(frame.scope, matrix=combination))
            return self._job_nodes(top, root, job_id, job, full_id, needs, scoped, id_token)

        nodes = expand({})
        if any(node.mentions_matrix() for node in nodes):
            combinations = matrix_combinations(job, path, full_id, self.problem)
            if combinations:
                nodes = _merge([node for c in combinations for node in expand(c)])
        return nodes

    def _job_nodes(
        self,
        top: str,
        root: YMap,
        job_id: str,
        job: YMap,
        full_id: str,
        needs: list[str],
        frame: Frame,
        id_token: bool,
    ) -> list[JobNode]:
        uses = job.get("uses")
        node = JobNode(full_id, None, needs, JobFacts(), id_token)
        if uses is None:
            defaults = run_defaults(job, workflow_run_defaults(root))
            frame = replace(frame, workdir=defaults.workdir)
            items = self.steps.job_items(job.get("steps"), frame, defaults, full_id)
            node.facts = recognise(items, self.problem)
            return [node]
        if not isinstance(uses, str):
            self.problem(frame.path, job.line_of("uses"), f"`uses:` of job `{job_id}` is not text")
            return [node]
        if uses.lower().startswith("slsa-framework/slsa-github-generator/"):
            given = job.get("with")
            image = text_of(given.get("image")) if isinstance(given, YMap) else None
            subject = targets_of([frame.scope.resolve(image)] if image else [], frame.steps_file)
            provenance = Provenance("slsa-generator", job.line_of("uses"), frame.path)
            node.facts.provenances.append(Guarded(provenance, subject))
        elif uses.startswith("./"):
            return [node, *self._call(top, job, uses, frame, full_id, id_token)]
        else:
            self.problem(
                frame.path, job.line_of("uses"),
                f"`{uses}` not followed: remote reusable workflow; publications inside it are "
                "not seen",
            )
        return [node]

    def _call(
        self, top: str, job: YMap, uses: str, frame: Frame, full_id: str, id_token: bool
    ) -> list[JobNode]:
        """The jobs of a local reusable workflow, as run by this calling job."""
        line = job.line_of("uses")
        target = normal_path("", uses[2:].split("@", 1)[0])
        if not target or not self.ctx.exists(target):
            self.problem(frame.path, line, f"reusable workflow `{uses}` is not in the repository")
            return []
        if not self.steps.may_follow(frame, target, line):
            return []
        root = self.ctx.load_yaml(target)
        if not isinstance(root, YMap):
            if root is not None:
                self.problem(target, None, "workflow is not a mapping; not read")
            return []
        caller = _Caller(
            job=full_id,
            via=(*frame.via, target),
            inputs=self.steps.call_inputs(uses, job, call_input_defaults(root), frame),
            conditions=frame.conditions,
            id_token=id_token,
        )
        nodes = self.jobs(top, target, root, caller)
        for node in nodes:
            if node.parent is None:
                node.parent = full_id
        return nodes


def _merge(nodes: list[JobNode]) -> list[JobNode]:
    """Nodes of the same job from several matrix combinations, as one node each."""
    merged: dict[str, JobNode] = {}
    for node in nodes:
        kept = merged.get(node.id)
        if kept is None:
            merged[node.id] = node
        else:
            kept.facts.drafts.extend(node.facts.drafts)
            kept.facts.scans.extend(node.facts.scans)
            kept.facts.signings.extend(node.facts.signings)
            kept.facts.provenances.extend(node.facts.provenances)
            kept.facts.nix_builds.extend(node.facts.nix_builds)
            kept.facts.buildx = kept.facts.buildx or node.facts.buildx
    return list(merged.values())


def _workflow_files(ctx: ScanContext) -> list[str]:
    directory = ctx.config.workflows_dir.strip("/")
    prefix = "" if directory in ("", ".") else f"{directory}/"
    return [
        path
        for path in ctx.files
        if path.startswith(prefix)
        and "/" not in path[len(prefix) :]
        and path.endswith((".yml", ".yaml"))
    ]


def scan_workflows(ctx: ScanContext) -> WorkflowScan:
    reader = _WorkflowReader(ctx)
    result = WorkflowScan(workflows=_workflow_files(ctx))
    for path in result.workflows:
        root = ctx.load_yaml(path)
        if root is None:
            continue
        if not isinstance(root, YMap):
            reader.problem(path, None, "workflow is not a mapping; not read")
            continue
        triggers = workflow_triggers(reader.problem, path, root)
        if only_called(triggers):
            continue
        nodes = reader.jobs(path, path, root, None)
        found = publications(ctx, path, triggers, nodes, reader.problem)
        result.publications.extend(found)
        result.nix_builds.extend(
            ValidationBuild(path, job, hit.path, hit.line, hit.attr, list(triggers))
            for job, hit in nix_builds(nodes, found)
        )
    return result

