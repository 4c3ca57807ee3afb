"""Gate 1: the repository declares which surface is authoritative."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence
from wizard.gates.checks.common import evidence_of, packages_of_artifact, places, title
from wizard.gates.checks.registry import check
from wizard.gates.model import EvalContext, Verdict

_SINGLE = ("dockerfile-image", "nix-image", "nix-derivation")


@check("declared_canonical")
def declared_canonical(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    declared = ctx.declarations
    evidence = [d.evidence for d in declared]
    if ctx.candidate == "dual":
        canonical = {d.authority for d in declared if d.authority in _SINGLE}
        if len(canonical) == 1:
            source = next(d for d in declared if d.authority in canonical)
            return Verdict(
                "met",
                f"{source.source} names {canonical.pop()} as the one canonical "
                "source of the dual publication",
                evidence,
            )
        if canonical:
            return Verdict(
                "not-met",
                "conflicting declarations: "
                + ", ".join(f"{d.source} names {d.authority}" for d in declared),
                evidence,
            )
        return Verdict(
            "not-met",
            "dual publication needs one declared canonical source and "
            "nothing in the repository declares one (set authority.canonical); what publishes "
            f"today is {ctx.scan.authority.current}",
            evidence + list(ctx.scan.authority.evidence),
        )
    naming_candidate = [d for d in declared if d.authority == ctx.candidate]
    naming_other = [d for d in declared if d.authority not in (ctx.candidate, "dual")]
    if naming_candidate and not naming_other:
        return Verdict(
            "met",
            f"{naming_candidate[0].source} declares the {title(ctx.candidate).lower()} canonical",
            evidence,
        )
    if naming_other:
        return Verdict(
            "not-met",
            "; ".join(f"{d.source} declares {d.authority}" for d in declared)
            + f", not {ctx.candidate}",
            evidence,
        )
    if ctx.is_current and ctx.current in _SINGLE and ctx.candidate_pubs:
        return Verdict(
            "met",
            f"de facto: it is the only surface that publishes {ctx.artifact} "
            f"({places(ctx.candidate_pubs)}); nothing declares another",
            evidence_of(ctx.candidate_pubs),
        )
    today = ctx.scan.authority
    return Verdict(
        "not-met",
        f"nothing in the repository declares the {title(ctx.candidate).lower()}"
        f" canonical (set authority.canonical or record a decision); what publishes today is "
        f"{today.current}",
        evidence + list(today.evidence),
    )


@check("surface_defined")
def surface_defined(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    flake = ctx.scan.flake
    surfaces = ctx.surfaces
    artifact_packages = packages_of_artifact(ctx)
    if ctx.candidate == "dockerfile-image":
        pubs = surfaces["dockerfile-image"]
        if pubs:
            refs = sorted({p.build_source.ref or "?" for p in pubs})
            return Verdict(
                "met",
                f"{', '.join(refs)} is built and published at {places(pubs)}",
                evidence_of(pubs),
            )
        return Verdict(
            "not-met", f"no workflow publishes a Dockerfile-built image of {ctx.artifact}"
        )
    if ctx.candidate == "nix-image":
        images = [p for p in artifact_packages if p.image_builder]
        pubs = surfaces["nix-image"]
        package_ev = [Evidence(flake.path or "flake.nix", p.line, flake.blob) for p in images]
        if not images:
            return Verdict(
                "not-met",
                f"flake.nix defines no image package for {ctx.artifact}"
                if flake.path
                else "the repository has no flake.nix",
            )
        if not pubs:
            names = ", ".join(f"packages.{p.name}" for p in images)
            return Verdict(
                "not-met", f"{flake.path} defines {names} but no workflow publishes it", package_ev
            )
        return Verdict(
            "met", f"{places(pubs)} publishes the Nix image", package_ev + evidence_of(pubs)
        )
    if ctx.candidate == "nix-derivation":
        derivations = [p for p in artifact_packages if not p.image_builder]
        flakehub = surfaces["nix-derivation"]
        assembly = surfaces["dockerfile-image"] + surfaces["nix-image"]
        missing = []
        if not derivations:
            missing.append("a derivation package")
        if not flakehub:
            missing.append("a derivation publication (FlakeHub)")
        if not assembly:
            missing.append("a separately published image assembly")
        evidence = [Evidence(flake.path or "flake.nix", p.line, flake.blob) for p in derivations]
        evidence += evidence_of(flakehub + assembly)
        if missing:
            return Verdict("not-met", "missing " + ", ".join(missing), evidence)
        return Verdict(
            "met",
            f"the derivation is published at {places(flakehub)} and the image "
            f"assembled at {places(assembly)}",
            evidence,
        )
    present = [s for s in ("dockerfile-image", "nix-image", "nix-derivation") if surfaces[s]]
    every = [p for s in present for p in surfaces[s]]
    if len(present) >= 2:
        return Verdict(
            "met", f"{' and '.join(present)} both publish ({places(every)})", evidence_of(every)
        )
    return Verdict(
        "not-met",
        "dual publication needs two publishing surfaces; found "
        f"{present[0] if present else 'none'}",
        evidence_of(every),
    )
