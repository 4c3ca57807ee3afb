"""Gate 5: the primary docs tell one story."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence
from wizard.gates.checks.common import accepted_surfaces, conflicting_mentions, title
from wizard.gates.checks.registry import Param, check, drops_items
from wizard.gates.model import EvalContext, Verdict


@check(
    "primary_docs_located",
    roles=Param(list, ["overview", "container-build", "release", "onboarding"], drops_items),
)
def primary_docs_located(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pages = ctx.scan.doc_pages
    wanted = [str(r) for r in params["roles"]]
    found = {role: [p.path for p in pages if role in p.roles] for role in wanted}
    missing = [role for role, paths in found.items() if not paths]
    evidence = [Evidence(p.path, None, None) for p in pages]
    if missing:
        return Verdict(
            "needs-review",
            f"no {', '.join(missing)} doc was found; name it under docs: in .release-gate.yaml",
            evidence,
        )
    return Verdict(
        "met", "; ".join(f"{role}: {', '.join(paths)}" for role, paths in found.items()), evidence
    )


@check("docs_one_story")
def docs_one_story(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    primary = {p.path for p in ctx.scan.doc_pages}
    mentions = [m for m in ctx.scan.docs if m.path in primary]
    if not primary:
        return Verdict("needs-review", "no primary docs were located, so their story is unknown")
    if not mentions:
        return Verdict(
            "needs-review", f"the primary docs name no release surface of {ctx.artifact}"
        )
    if not accepted_surfaces(ctx):
        return Verdict(
            "not-met",
            "dual publication without one declared canonical source cannot tell one story",
            [Evidence(m.path, m.line, None) for m in mentions],
        )
    conflicts = conflicting_mentions(ctx, mentions)
    if conflicts:
        where = ", ".join(f"{m.path}:{m.line} ({m.mentions})" for m in conflicts[:6])
        return Verdict(
            "not-met",
            f"primary docs describe another surface than the "
            f"{title(ctx.candidate).lower()}: {where}",
            [Evidence(m.path, m.line, None) for m in conflicts],
        )
    pages = sorted({m.path for m in mentions})
    return Verdict(
        "met",
        f"{len(mentions)} mention(s) across {len(pages)} primary page(s) all "
        f"describe the {title(ctx.candidate).lower()}",
        [Evidence(m.path, m.line, None) for m in mentions],
    )
