"""Checks a repository can add in `.release-gate.yaml` to tighten a gate."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence
from wizard.gates.checks.common import codeowners_cover, place, unpublished
from wizard.gates.checks.registry import Param, check
from wizard.gates.model import EvalContext, Verdict


@check("provenance_present", kinds=Param(list, ["attest-build-provenance", "slsa-generator"]))
def provenance_present(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "there is nothing to attest")
    kinds = [str(k) for k in params["kinds"]]
    missing = [p for p in pubs if not (p.provenance and p.provenance.kind in kinds)]
    if missing:
        return Verdict(
            "not-met",
            f"no {' or '.join(kinds)} provenance at " + ", ".join(place(p) for p in missing),
            [Evidence(p.path, p.line, p.blob) for p in missing],
        )
    return Verdict(
        "met",
        "every publishing step attests provenance: "
        + ", ".join(
            f"{p.provenance.kind} at {p.provenance.path}:{p.provenance.line}"
            for p in pubs
            if p.provenance
        ),
        [Evidence(p.provenance.path, p.provenance.line, None) for p in pubs if p.provenance],
    )


@check("codeowners_covers", paths=Param(list, []))
def codeowners_covers(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    paths = [str(p) for p in params["paths"]]
    if not paths:
        return Verdict("needs-review", "codeowners_covers was given no paths")
    return codeowners_cover(ctx, paths, "")
