"""Infer today's release authority from the publications that belong to the artifact."""

from __future__ import annotations

from wizard.facts import AuthorityFacts, Evidence, Publication

_VALIDATION_ONLY = {"pull_request", "pull_request_target", "merge_group"}


def is_release_surface(pub: Publication) -> bool:
    """A publication that can put the artifact in front of users (not PR-only validation)."""
    if not pub.artifact_match or pub.push is False:
        return False
    if pub.kind == "nix-cache":
        # A binary cache speeds builds up; by itself it does not make the derivation a release.
        return False
    return any(t.split(":", 1)[0] not in _VALIDATION_ONLY for t in pub.triggers) or not pub.triggers


def surface_of(pub: Publication) -> str:
    """The authority kind a release surface belongs to."""
    if pub.kind == "flakehub":
        return "nix-derivation"
    if pub.kind == "nix-cache":
        return "nix-cache"
    return "nix-image" if pub.build_source.kind == "nix" else "dockerfile-image"


def release_surfaces(publications: list[Publication]) -> dict[str, list[Publication]]:
    """The release surfaces of the artifact by authority kind, every kind present (maybe empty)."""
    releases = [p for p in publications if is_release_surface(p)]
    return {
        kind: [p for p in releases if surface_of(p) == kind]
        for kind in ("dockerfile-image", "nix-image", "nix-derivation")
    }


def _evidence(pubs: list[Publication]) -> list[Evidence]:
    return [Evidence(p.path, p.line, p.blob) for p in pubs]


def infer_authority(publications: list[Publication]) -> AuthorityFacts:
    surfaces = release_surfaces(publications)
    dockerfile = surfaces["dockerfile-image"]
    nix_image = surfaces["nix-image"]
    flakehub = surfaces["nix-derivation"]
    present = [
        label
        for label, pubs in (
            ("Dockerfile image", dockerfile),
            ("Nix image", nix_image),
            ("FlakeHub flake", flakehub),
        )
        if pubs
    ]
    evidence = _evidence(dockerfile + nix_image + flakehub)
    if len(present) > 1:
        return AuthorityFacts("dual", evidence, f"published as {' and '.join(present)}")
    if dockerfile:
        unknown = [p for p in dockerfile if p.build_source.kind != "dockerfile"]
        if not unknown:
            return AuthorityFacts(
                "dockerfile-image", evidence, "only Dockerfile-built images publish"
            )
        where = ", ".join(f"{p.path}:{p.line}" for p in unknown)
        return AuthorityFacts(
            "dockerfile-image",
            evidence,
            f"only non-Nix images publish; the build source of {where} could not be told "
            "(copied or assembled elsewhere), review it",
        )
    if nix_image:
        return AuthorityFacts("nix-image", evidence, "only Nix-built images publish")
    if flakehub:
        return AuthorityFacts("nix-derivation", evidence, "only the flake is published (FlakeHub)")
    return AuthorityFacts("none", [], "no workflow publishes the artifact")
