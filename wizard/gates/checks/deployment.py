"""Gate 4: the deployment stack and the operator path consume the surface without ambiguity."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wizard.config import CONFIG_FILE
from wizard.facts import Evidence
from wizard.gates.checks.common import (
    accepted_surfaces,
    conflicting_mentions,
    evidence_of,
    places,
    surfaces_of_image,
    title,
    unpublished,
)
from wizard.gates.checks.registry import check
from wizard.gates.model import EvalContext, Verdict
from wizard.scan.expressions import image_name

_OPERATOR_ROLES = ("onboarding", "release")


@check("single_install_contract")
def single_install_contract(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    if ctx.config.no_stacks:
        return Verdict(
            "met",
            f"the repository declares no deployment stack ({CONFIG_FILE})",
            [Evidence(CONFIG_FILE, ctx.config.line_of.get("paths.stacks"), None)],
        )
    deployments = ctx.scan.deployments
    if not deployments:
        return Verdict(
            "needs-review",
            f"no OpenTofu/Terraform stack consuming {ctx.artifact} was found; set paths.stacks "
            f"in {CONFIG_FILE} to where it is, or to `none` if there is none",
        )
    evidence = [Evidence(d.file, d.line, None) for d in deployments]
    evidence += [Evidence(c.file, c.line, None) for d in deployments for c in d.consumers]
    inputs = ", ".join(
        f"var.{d.variable} ({d.type or 'untyped'}) at {d.file}:{d.line}" for d in deployments
    )
    if ctx.candidate == "nix-derivation":
        return Verdict(
            "not-met",
            f"{inputs} takes an image reference; a derivation cannot be installed through it",
            evidence,
        )
    if not ctx.candidate_pubs:
        return unpublished(ctx, f"{inputs} would have no published image to install")
    by_stack: dict[str, list[str]] = defaultdict(list)
    for dep in deployments:
        by_stack[dep.path].append(dep.variable)
    ambiguous = {stack: names for stack, names in by_stack.items() if len(names) > 1}
    if ambiguous:
        stack, names = next(iter(ambiguous.items()))
        return Verdict(
            "not-met",
            f"{stack} takes the image through several inputs "
            f"({', '.join(names)}): no single install contract",
            evidence,
        )
    published = {image_name(p.image_resolved or p.image) for p in ctx.candidate_pubs}
    foreign = [
        v
        for d in deployments
        for v in d.values
        if image_name(v.value) and image_name(v.value) not in published
    ]
    if foreign:
        value = foreign[0]
        return Verdict(
            "not-met",
            f"{value.file}:{value.line} installs {value.value}, which the "
            f"{title(ctx.candidate).lower()} does not publish",
            [*evidence, Evidence(value.file, value.line, None)],
        )
    return Verdict(
        "met",
        f"{inputs} receives the image published at {places(ctx.candidate_pubs)}",
        evidence + evidence_of(ctx.candidate_pubs),
    )


@check("docs_not_mixed")
def docs_not_mixed(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    operator_pages = {p.path for p in ctx.scan.doc_pages if set(p.roles) & set(_OPERATOR_ROLES)}
    mentions = [m for m in ctx.scan.docs if m.path in operator_pages]
    examples = [(v.file, v.line, v.value) for d in ctx.scan.deployments for v in d.values]
    if not mentions and not examples:
        return Verdict(
            "needs-review",
            "no operator docs (release, onboarding) or stack examples "
            "name the artifact; nothing shows what operators install",
        )
    conflicts = conflicting_mentions(ctx, mentions)
    accepted = accepted_surfaces(ctx)
    example_conflicts = [
        (f, line, v)
        for f, line, v in examples
        if image_name(v) and not (surfaces_of_image(ctx, v) & accepted)
    ]
    evidence = [Evidence(m.path, m.line, None) for m in conflicts]
    evidence += [Evidence(f, line, None) for f, line, _ in example_conflicts]
    if conflicts or example_conflicts:
        where = [f"{m.path}:{m.line}" for m in conflicts] + [
            f"{f}:{line}" for f, line, _ in example_conflicts
        ]
        return Verdict(
            "not-met",
            f"operator docs and examples point at a surface other than the "
            f"{title(ctx.candidate).lower()}: {', '.join(where[:6])}",
            evidence,
        )
    shown = [Evidence(m.path, m.line, None) for m in mentions]
    shown += [Evidence(f, line, None) for f, line, _ in examples]
    return Verdict(
        "met",
        f"{len(mentions)} operator doc line(s) and {len(examples)} stack "
        "example(s) all point at the same surface",
        shown,
    )
