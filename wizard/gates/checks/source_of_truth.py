"""Gate 1: the repository declares which surface is authoritative."""

from __future__ import annotations

from typing import Any

from wizard.config import CONFIG_FILE
from wizard.facts import Evidence
from wizard.gates.checks.common import (
    declaration,
    evidence_of,
    packages_of_artifact,
    places,
    title,
)
from wizard.gates.checks.registry import check
from wizard.gates.model import SINGLE_AUTHORITIES, EvalContext, Verdict


@check("declared_canonical")
def declared_canonical(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    declared = ctx.declared
    evidence = declaration(ctx)
    today = ctx.scan.authority
    if ctx.candidate == "dual":
        if declared in SINGLE_AUTHORITIES:
            return Verdict(
                "met",
                f"{CONFIG_FILE} names {declared} as the one canonical source of the dual "
                "publication",
                evidence,
            )
        if declared == "dual":
            return Verdict(
                "not-met",
                f"{CONFIG_FILE} declares dual publication without its one canonical source; "
                "set authority.canonical to the surface that is canonical",
                evidence,
            )
        return Verdict(
            "not-met",
            f"dual publication needs one declared canonical source and {CONFIG_FILE} declares "
            f"none (authority.canonical); what publishes today is {today.current}",
            list(today.evidence),
        )
    if declared == ctx.candidate:
        return Verdict(
            "met", f"{CONFIG_FILE} declares the {title(ctx.candidate).lower()} canonical", evidence
        )
    if declared is not None:
        return Verdict(
            "not-met", f"{CONFIG_FILE} declares {declared}, not {ctx.candidate}", evidence
        )
    if ctx.is_current and ctx.current in SINGLE_AUTHORITIES and ctx.candidate_pubs:
        return Verdict(
            "met",
            f"de facto: it is the only surface that publishes {ctx.artifact} "
            f"({places(ctx.candidate_pubs)}) and {CONFIG_FILE} declares no other",
            evidence_of(ctx.candidate_pubs),
        )
    return Verdict(
        "not-met",
        f"{CONFIG_FILE} does not declare the {title(ctx.candidate).lower()} canonical "
        f"(authority.canonical is not set); what publishes today is {today.current}",
        list(today.evidence),
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
