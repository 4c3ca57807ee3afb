"""Helpers shared by the checks: surfaces, wording and evidence for missing paths."""

from __future__ import annotations

from wizard.facts import Evidence, FlakePackage, Publication
from wizard.gates.model import CANDIDATE_TITLES, EvalContext, Verdict, at
from wizard.scan.artifact import artifact_surfaces, flake_attr, image_name


def title(candidate: str) -> str:
    return CANDIDATE_TITLES[candidate]


def place(pub: Publication) -> str:
    return f"{pub.path}:{pub.line}"


def places(pubs: list[Publication]) -> str:
    return ", ".join(place(p) for p in pubs)


def unpublished(ctx: EvalContext, consequence: str) -> Verdict:
    """not-met because no workflow publishes the candidate, pointing at what does exist."""
    evidence: list[Evidence] = []
    flake = ctx.scan.flake
    wanted_images = ctx.candidate in ("nix-image", "dual")
    for package in flake.packages:
        if flake.path and (bool(package.image_builder) == wanted_images or ctx.candidate == "dual"):
            evidence.append(Evidence(flake.path, package.line, flake.blob))
    names = {e.line for e in evidence}
    for build in ctx.scan.validation_builds:
        if any(p.name == build.attr and p.line in names for p in flake.packages):
            evidence.append(Evidence(build.path, build.line, None))
    return Verdict(
        "not-met",
        f"no workflow publishes the {title(ctx.candidate).lower()}, so {consequence}",
        evidence,
    )


def surfaces_of_image(ctx: EvalContext, image: str) -> set[str]:
    """Which authority surfaces publish the image named `image` (tag/digest ignored)."""
    wanted = image_name(image)
    found = set()
    for surface in ("dockerfile-image", "nix-image"):
        for pub in ctx.surfaces.get(surface, []):
            if image_name(pub.image_resolved or pub.image) == wanted:
                found.add(surface)
    return found


def accepted_surfaces(ctx: EvalContext) -> set[str]:
    """The surfaces whose story fits the candidate (dual: only its declared canonical source)."""
    if ctx.candidate == "dual":
        canonical = {d.authority for d in ctx.declarations if d.authority != "dual"}
        return canonical if len(canonical) == 1 else set()
    return {ctx.candidate}


def evidence_of(pubs: list[Publication]) -> list[Evidence]:
    return [at(p) for p in pubs]


def flake_attrs(pubs: list[Publication]) -> set[str]:
    return {a for p in pubs for a in [flake_attr(p.build_source.ref)] if a}


def packages_of_artifact(ctx: EvalContext) -> list[FlakePackage]:
    names = artifact_surfaces(ctx.scan.artifact, ctx.config, ctx.scan.flake).flake_packages
    return [p for p in ctx.scan.flake.packages if p.name in names]
