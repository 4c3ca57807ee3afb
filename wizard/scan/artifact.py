"""Which artifact is under review, and which publications and flake packages belong to it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from wizard.config import Config
from wizard.facts import FlakeFacts, Publication, ValidationBuild
from wizard.scan.expressions import flake_attr, image_name


def last_segment(image: str | None) -> str | None:
    name = image_name(image)
    return name.rsplit("/", 1)[-1] if name else None


@dataclass
class ArtifactChoice:
    name: str | None
    source: str
    problem: str | None = None


@dataclass
class ArtifactSurfaces:
    """The artifact's names in each source: image names and flake packages."""

    name: str | None
    images: list[str] = field(default_factory=list)
    flake_packages: list[str] = field(default_factory=list)
    derivation_packages: list[str] = field(default_factory=list)
    image_packages: list[str] = field(default_factory=list)


def choose_artifact(
    config: Config, override: str | None, publications: list[Publication], flake: FlakeFacts
) -> ArtifactChoice:
    if override:
        return ArtifactChoice(override, "--artifact")
    if config.artifact:
        return ArtifactChoice(config.artifact, "configured in .release-gate.yaml")
    package_names = {p.name for p in flake.packages}
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    for pub in publications:
        if pub.kind != "image":
            continue
        name = last_segment(pub.image_resolved or pub.image)
        if name:
            counts[name] += 1
            first_seen.setdefault(name, f"{pub.path}:{pub.line}")
    if counts:
        with_flake = [n for n in counts if n in package_names or f"{n}-image" in package_names]
        pool = with_flake or list(counts)
        best = max(pool, key=lambda n: counts[n])
        ties = [n for n in pool if counts[n] == counts[best]]
        if len(ties) > 1:
            names = ", ".join(sorted(ties))
            return ArtifactChoice(
                None,
                "ambiguous",
                f"several artifacts are published ({names}); set `artifact` in .release-gate.yaml",
            )
        return ArtifactChoice(best, f"inferred from the image published at {first_seen[best]}")
    image_twins = sorted(
        p.name for p in flake.packages if not p.image_builder and f"{p.name}-image" in package_names
    )
    if len(image_twins) == 1:
        return ArtifactChoice(image_twins[0], f"inferred from the flake packages in {flake.path}")
    return ArtifactChoice(
        None, "unknown", "no published image or flake package names the artifact; set `artifact`"
    )


def artifact_surfaces(name: str | None, config: Config, flake: FlakeFacts) -> ArtifactSurfaces:
    if not name:
        return ArtifactSurfaces(None)
    if config.flake_packages:
        packages = [p for p in flake.packages if p.name in config.flake_packages]
    else:
        packages = [p for p in flake.packages if p.name == name or p.name.startswith(f"{name}-")]
    return ArtifactSurfaces(
        name=name,
        images=list(config.images),
        flake_packages=[p.name for p in packages],
        derivation_packages=[p.name for p in packages if not p.image_builder],
        image_packages=[p.name for p in packages if p.image_builder],
    )


def _configured_image(pub: Publication, configured: list[str]) -> bool:
    """A publication of one of the configured images: by name, or as written when the
    configured name itself holds an expression (it then never matches unresolved names)."""
    names = {n for n in (image_name(i) for i in configured) if n}
    if image_name(pub.image_resolved or pub.image) in names:
        return True
    written = {i for i in configured if image_name(i) is None}
    return bool(written & {pub.image, pub.image_resolved})


def belongs_to_artifact(
    pub: Publication, surfaces: ArtifactSurfaces, nix_builds: list[ValidationBuild]
) -> bool:
    if not surfaces.name:
        return False
    attr = flake_attr(pub.build_source.ref)
    if attr and attr in surfaces.flake_packages:
        return True
    if pub.kind == "image":
        if surfaces.images:
            return _configured_image(pub, surfaces.images)
        return last_segment(pub.image_resolved or pub.image) == surfaces.name
    if pub.kind == "flakehub":
        # FlakeHub publishes the whole flake, so every exported package of the artifact with it.
        return bool(surfaces.flake_packages)
    built_here = {b.attr for b in nix_builds if b.workflow == pub.workflow and b.job == pub.job}
    return pub.build_source.ref is None and bool(built_here & set(surfaces.flake_packages))
