"""Gate 6: who owns breakage and promotion when release authority changes."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence
from wizard.gates.checks.common import codeowners_cover, configured_owners, unpublished
from wizard.gates.checks.registry import check
from wizard.gates.model import EvalContext, Verdict


@check("planning_ownership")
def planning_ownership(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    owners = ctx.config.planning_owners
    if owners:
        line = ctx.config.line_of.get("ownership")
        return Verdict(
            "met",
            f"{', '.join(owners)} owns the transition plan (.release-gate.yaml)",
            [Evidence(".release-gate.yaml", line, None)],
        )
    return Verdict(
        "needs-review",
        "no owner of the transition plan is named; set "
        "ownership.planning in .release-gate.yaml (an issue or a team)",
    )


@check("operational_ownership")
def operational_ownership(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        holder = ", ".join(ctx.config.planning_owners) or "the planning owner"
        return unpublished(
            ctx,
            f"there is no concrete workflow and maintainer boundary yet; "
            f"{holder} holds it until one exists",
        )
    configured = configured_owners(ctx, "as operational owner of")
    if configured:
        return configured
    paths = {p.workflow for p in pubs} | {p.path for p in pubs}
    paths |= {
        p.build_source.ref
        for p in pubs
        if p.build_source.kind == "dockerfile" and p.build_source.ref
    }
    if any(p.build_source.kind == "nix" for p in pubs) and ctx.scan.flake.path:
        paths.add(ctx.scan.flake.path)
    return codeowners_cover(ctx, sorted(paths), "promotion and breakage of")
