"""Jobs linked by `needs:` share their guards: a scanner, a signature or an attestation in a job
before or after the publishing one (transitively, and across a reusable-workflow call) counts for
the publications it names (see targets.py). Drafts become Publications here, with the
workflow-wide facts attached."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic

from wizard.facts import Publication, Signing, VulnScan
from wizard.limits import MAX_NEEDS_WALK
from wizard.scan.context import ScanContext
from wizard.scan.expressions import image_name, registry_of, unresolved
from wizard.scan.findings import JobFacts, NixBuildHit, PushDraft, strongest
from wizard.scan.items import ProblemLog
from wizard.scan.targets import Fact, Guarded, canonical_image


@dataclass
class JobNode:
    """A job as run from the top workflow; a called workflow's jobs have their caller as parent."""

    id: str  # `job`, or `caller-job/callee-job` inside a reusable workflow
    parent: str | None
    needs: list[str]
    facts: JobFacts
    id_token: bool

    def mentions_matrix(self) -> bool:
        """Whether something found depends on `${{ matrix.* }}` (then each combination counts)."""
        for draft in self.facts.drafts:
            texts = [draft.image or "", draft.image_resolved or "", draft.build_source.ref or ""]
            if any("matrix." in text for text in [*texts, *draft.tags]):
                return True
        return any("matrix." in hit.attr for hit in self.facts.nix_builds)


class _Graph:
    def __init__(self, nodes: list[JobNode]) -> None:
        self.budget = MAX_NEEDS_WALK
        self.nodes = {node.id: node for node in nodes}
        self.needs = {node.id: [n for n in node.needs if n in self.nodes] for node in nodes}
        self.needed_by: dict[str, list[str]] = {node.id: [] for node in nodes}
        self.children: dict[str, list[str]] = {node.id: [] for node in nodes}
        for node in nodes:
            for need in self.needs[node.id]:
                self.needed_by[need].append(node.id)
            if node.parent in self.children:
                self.children[node.parent].append(node.id)

    def _reach(self, start: str, edges: dict[str, list[str]]) -> list[str]:
        seen: dict[str, None] = {}
        stack = list(edges.get(start, []))
        while stack and self.budget > 0:
            current = stack.pop()
            self.budget -= 1
            if current not in seen:
                seen[current] = None
                stack.extend(edges.get(current, []))
        return list(seen)

    def _with_callees(self, ids: list[str], skip: set[str]) -> Iterator[str]:
        for job in ids:
            yield job
            if job not in skip:
                yield from self._with_callees(self.children.get(job, []), skip)

    def linked(self, node: JobNode) -> list[JobNode]:
        """The node itself first, then every job it needs or that needs it, at its level and at
        every calling level above it, with the jobs of the workflows those jobs call."""
        if self.budget <= 0:
            return [node]
        ancestors: list[str] = []
        parent = node.parent
        while parent is not None and parent in self.nodes and parent not in ancestors:
            ancestors.append(parent)
            parent = self.nodes[parent].parent
        ids: list[str] = [node.id]
        for level in (node.id, *ancestors):
            ids += self._reach(level, self.needs) + self._reach(level, self.needed_by)
        unique = list(dict.fromkeys(self._with_callees(ids, {node.id, *ancestors})))
        return [self.nodes[job] for job in unique]


class _Covering(Generic[Fact]):
    """The scans, signatures or attestations of the jobs linked with `job`, in order, indexed by
    what they name, to tell which count for each of `job`'s publications.

    One naming a pushing step (by its digest output) counts for that step's publications; one
    naming an image counts for that image's, and for publications whose image is not known
    statically (nothing tells them apart); one naming something unknown counts for all."""

    def __init__(
        self,
        job: JobNode,
        guards: list[tuple[JobNode, Guarded[Fact]]],
        pushing: dict[str, set[tuple[str, str]]],
    ) -> None:
        self.facts: list[Fact] = [guard.fact for _, guard in guards]
        self.anything: list[int] = []
        self.by_image: dict[str, list[int]] = {}
        self.named: list[int] = []  # an image, and no pushing step
        self.by_step: dict[tuple[str, str], list[int]] = {}  # a pushing step, and no image
        self.by_step_and_image: dict[tuple[str, str], list[int]] = {}
        for index, (guard_job, guard) in enumerate(guards):
            for target in guard.targets or [None]:
                if target is None:
                    self.anything.append(index)
                    continue
                if target.image is not None:
                    self.by_image.setdefault(target.image, []).append(index)
                if target.step is not None and target.step in pushing[guard_job.id]:
                    if guard_job is job:  # `steps.<id>` is read within its own job
                        named = self.by_step if target.image is None else self.by_step_and_image
                        named.setdefault(target.step, []).append(index)
                elif target.image is not None:
                    self.named.append(index)
                else:
                    self.anything.append(index)

    def covering(self, draft: PushDraft, image: str | None) -> list[Fact]:
        """Those that count for `draft` (`image`: its canonical name when known statically)."""
        indices = list(self.anything)
        if draft.step is not None:
            indices += self.by_step.get(draft.step, [])
        if image is not None:
            indices += self.by_image.get(image, [])
        else:
            indices += self.named
            if draft.step is not None:
                indices += self.by_step_and_image.get(draft.step, [])
        return [self.facts[index] for index in sorted(set(indices))]


def _best_scan(scans: list[VulnScan]) -> VulnScan | None:
    return next((s for s in scans if s.blocking), scans[0] if scans else None)


def _best_signing(signings: list[Signing]) -> Signing | None:
    return next((s for s in signings if s.by_digest), signings[0] if signings else None)


def _stored_name(draft: PushDraft) -> str | None:
    """The name resolved; for an image known in full, in lower case as registries store it."""
    resolved = draft.image_resolved
    if draft.kind == "image" and resolved and not unresolved(resolved):
        return resolved.lower()
    return resolved


def _key(node: JobNode, draft: PushDraft) -> tuple[object, ...]:
    """What tells two drafts of one job apart (matrix combinations often repeat a draft)."""
    source = draft.build_source
    return (
        node.id, draft.frame.path, draft.line, draft.kind, draft.image, draft.image_resolved,
        tuple(draft.tags), source.kind, source.ref, draft.push, draft.frame.via,
        draft.digest_output, draft.provenance and draft.provenance.kind,
    )


def publications(
    ctx: ScanContext,
    workflow: str,
    triggers: list[str],
    nodes: list[JobNode],
    problem: ProblemLog,
) -> list[Publication]:
    graph = _Graph(nodes)
    pushing = {node.id: {d.step for d in node.facts.drafts if d.step} for node in nodes}
    found: list[Publication] = []
    seen: set[tuple[object, ...]] = set()
    for node in nodes:
        if not node.facts.drafts:
            continue
        linked = graph.linked(node)
        scans = _Covering(node, [(job, g) for job in linked for g in job.facts.scans], pushing)
        signings = _Covering(
            node, [(job, g) for job in linked for g in job.facts.signings], pushing
        )
        provenances = _Covering(
            node, [(job, g) for job in linked for g in job.facts.provenances], pushing
        )
        for draft in node.facts.drafts:
            key = _key(node, draft)
            if key in seen:
                continue
            seen.add(key)
            own = [draft.provenance] if draft.provenance else []
            resolved = _stored_name(draft)
            name = resolved or draft.image
            known = image_name(name) if draft.kind == "image" else None
            image = canonical_image(known) if known else None
            if draft.kind == "image" and name and unresolved(name):
                problem(
                    draft.frame.path, draft.line,
                    f"job `{node.id}` pushes an image whose name is only known at run time "
                    f"(`{name}`); set artifact.images in .release-gate.yaml to match it",
                )
            publication = Publication(
                kind=draft.kind,
                workflow=workflow,
                job=node.id,
                line=draft.line,
                image=draft.image,
                registry=registry_of(name) if draft.kind == "image" else draft.registry,
                artifact_match=False,
                build_source=draft.build_source,
                triggers=list(triggers),
                tags=list(draft.tags),
                push=draft.push,
                buildx=draft.buildx or node.facts.buildx,
                vuln_scan=_best_scan(scans.covering(draft, image)),
                signing=_best_signing(signings.covering(draft, image)),
                provenance=strongest(own + provenances.covering(draft, image)),
                via=" -> ".join(draft.frame.via) or None,
                path=draft.frame.path,
                blob=ctx.repo.blob(draft.frame.path),
                image_resolved=resolved if resolved != draft.image else None,
                id_token_write=node.id_token,
                digest_output=draft.digest_output,
            )
            found.append(publication)
    if graph.budget <= 0:
        problem(
            workflow, None,
            f"`needs:` links more jobs than the {MAX_NEEDS_WALK} steps walked; scanners, "
            "signatures and attestations in other jobs may be missing from its publications",
        )
    return found


def nix_builds(
    nodes: list[JobNode], published: list[Publication]
) -> list[tuple[str, NixBuildHit]]:
    """(job, build) for every flake attr built that the same workflow does not publish."""
    refs = {p.build_source.ref for p in published if p.build_source.kind == "nix"}
    builds: list[tuple[str, NixBuildHit]] = []
    seen: set[tuple[str, str, int, str]] = set()
    for node in nodes:
        for hit in node.facts.nix_builds:
            key = (node.id, hit.path, hit.line, hit.attr)
            # A FlakeHub release (`.`) publishes the whole flake, every attr with it.
            if "." not in refs and f".#{hit.attr}" not in refs and key not in seen:
                seen.add(key)
                builds.append((node.id, hit))
    return builds
