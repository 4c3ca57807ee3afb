"""Helpers shared by the checks: surfaces, wording, evidence for missing paths, owners and doc
mentions."""

from __future__ import annotations

from wizard.config import CONFIG_FILE
from wizard.facts import DocMention, Evidence, FlakePackage, Publication
from wizard.gates.model import CANDIDATE_TITLES, SINGLE_AUTHORITIES, EvalContext, Verdict, at
from wizard.scan.artifact import artifact_surfaces
from wizard.scan.expressions import flake_attr, image_name
from wizard.scan.owners import owner_of


def title(candidate: str) -> str:
    return CANDIDATE_TITLES[candidate]


def place(pub: Publication) -> str:
    return f"{pub.path}:{pub.line}"


def places(pubs: list[Publication]) -> str:
    return ", ".join(place(p) for p in pubs)


def unpublished(ctx: EvalContext, consequence: str) -> Verdict:
    """not-met because no workflow publishes the candidate, pointing at what of it does exist
    (what publishes today when nothing of it does)."""
    surfaces = SINGLE_AUTHORITIES if ctx.candidate == "dual" else (ctx.candidate,)
    evidence = [e for surface in surfaces for e in _unpublished_sources(ctx, surface)]
    return Verdict(
        "not-met",
        f"no workflow publishes the {title(ctx.candidate).lower()}, so {consequence}",
        evidence or list(ctx.scan.authority.evidence),
    )


def _unpublished_sources(ctx: EvalContext, surface: str) -> list[Evidence]:
    """The steps that build the artifact's Dockerfiles, or its flake packages of the surface's
    kind and the CI builds of them."""
    if surface == "dockerfile-image":
        return [
            at(p)
            for p in ctx.scan.publications
            if p.artifact_match and p.build_source.kind == "dockerfile" and p.build_source.ref
        ]
    flake = ctx.scan.flake
    wanted_images = surface == "nix-image"
    packages = [p for p in packages_of_artifact(ctx) if bool(p.image_builder) == wanted_images]
    evidence = [Evidence(flake.path, p.line, flake.blob) for p in packages if flake.path]
    attrs = {p.name for p in packages}
    evidence += [
        Evidence(b.path, b.line, None) for b in ctx.scan.validation_builds if b.attr in attrs
    ]
    return evidence


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
        declared = ctx.declared
        return {declared} if declared is not None and declared in SINGLE_AUTHORITIES else set()
    return {ctx.candidate}


def declaration(ctx: EvalContext) -> list[Evidence]:
    """The `authority:` entry of `.release-gate.yaml`, when it declares a canonical authority."""
    if ctx.declared is None:
        return []
    return [Evidence(CONFIG_FILE, ctx.config.line_of.get("authority"), None)]


def evidence_of(pubs: list[Publication]) -> list[Evidence]:
    return [at(p) for p in pubs]


def flake_attrs(pubs: list[Publication]) -> set[str]:
    return {a for p in pubs for a in [flake_attr(p.build_source.ref)] if a}


def packages_of_artifact(ctx: EvalContext) -> list[FlakePackage]:
    names = artifact_surfaces(ctx.scan.artifact, ctx.config, ctx.scan.flake).flake_packages
    return [p for p in ctx.scan.flake.packages if p.name in names]


def configured_owners(ctx: EvalContext, role: str) -> Verdict | None:
    """met when `.release-gate.yaml` ownership.operational names owners of the candidate;
    `role` says what for ("for failures of", "as operational owner of")."""
    configured = ctx.config.operational_owners.get(ctx.candidate)
    if not configured:
        return None
    return Verdict(
        "met",
        f"{CONFIG_FILE} names {', '.join(configured)} {role} the {title(ctx.candidate).lower()}",
        [Evidence(CONFIG_FILE, ctx.config.line_of.get("ownership"), None)],
    )


def codeowners_cover(ctx: EvalContext, paths: list[str], purpose: str) -> Verdict:
    """met when CODEOWNERS names an owner for every path, needs-review when it cannot tell."""
    owners = ctx.scan.owners
    if owners.file is None:
        return Verdict(
            "needs-review",
            f"no CODEOWNERS file and no ownership.operational entry "
            f"names who owns {purpose} {', '.join(paths)}",
        )
    covered: list[str] = []
    evidence: list[Evidence] = []
    uncovered: list[str] = []
    for path in paths:
        rule = owner_of(owners, path)
        if rule and rule.owners:
            covered.append(f"{path} -> {' '.join(rule.owners)}")
            evidence.append(Evidence(owners.file, rule.line, owners.blob))
        else:
            uncovered.append(path)
    if uncovered:
        return Verdict(
            "needs-review",
            f"no CODEOWNERS rule names an owner for {', '.join(uncovered)}"
            " (and no ownership.operational entry)",
            evidence,
        )
    return Verdict("met", f"{owners.file} owns {purpose}: {'; '.join(covered)}", evidence)


def mention_surfaces(ctx: EvalContext, mention: DocMention) -> set[str]:
    """The release surface a doc line points at."""
    if mention.mentions == "nix-image":
        return {"nix-image"}
    if mention.mentions == "derivation":
        return {"nix-derivation"}
    found = set()
    for token in mention.text.replace("`", " ").replace('"', " ").split():
        if "/" in token and image_name(token) in {image_name(i) for i in _images(ctx)}:
            found |= surfaces_of_image(ctx, token)
    return found or {"unpublished-image"}


def _images(ctx: EvalContext) -> list[str]:
    return [p.image_resolved or p.image or "" for s in ctx.surfaces.values() for p in s]


def conflicting_mentions(ctx: EvalContext, mentions: list[DocMention]) -> list[DocMention]:
    accepted = accepted_surfaces(ctx)
    return [m for m in mentions if not (mention_surfaces(ctx, m) & accepted)]
