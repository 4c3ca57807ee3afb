"""Plain sentences in the spirit of the seed's "Current Repo Facts", each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.authority import is_release_surface
from wizard.config import Config
from wizard.facts import (
    AuthorityFacts,
    Deployment,
    DocMention,
    DocPage,
    Evidence,
    Fact,
    FlakeFacts,
    Owners,
    Publication,
    ValidationBuild,
)
from wizard.scan.artifact import ArtifactSurfaces
from wizard.scan.expressions import flake_attr
from wizard.scan.owners import owner_of

_TOOL_NAMES = {
    "trivy": "Trivy",
    "grype": "Grype",
    "snyk": "Snyk",
    "cosign": "cosign",
    "notation": "Notation",
}
_AUTHORITY_WORDS = {
    "dockerfile-image": "Dockerfile-based image builds",
    "nix-image": "Nix-built images",
    "nix-derivation": "the flake derivation (FlakeHub)",
    "dual": "dual publication",
    "none": "nothing (no workflow publishes the artifact)",
}


@dataclass
class StatementInputs:
    artifact: ArtifactSurfaces
    config: Config
    publications: list[Publication]
    nix_builds: list[ValidationBuild]
    flake: FlakeFacts
    deployments: list[Deployment]
    docs: list[DocMention]
    pages: list[DocPage]
    owners: Owners
    authority: AuthorityFacts


def _at(pub: Publication) -> Evidence:
    return Evidence(pub.path, pub.line, None)


def _key(pub: Publication) -> str:
    """Unique per publication: one step may push several images (tags, matrix values)."""
    return f"{pub.workflow}:{pub.job}:{pub.path}:{pub.line}:{pub.image_resolved or pub.image}"


def _source_words(pub: Publication) -> str:
    ref = pub.build_source.ref
    if pub.kind == "flakehub":
        return "the flake"
    if pub.build_source.kind == "nix":
        return f"the Nix output {ref}" if ref else "a Nix build"
    return ref or "an unknown build source"


def _publication_fact(pub: Publication, artifact: str) -> Fact:
    target = pub.image_resolved or pub.image or "an unknown destination"
    via = f" (through {pub.via})" if pub.via else ""
    what = {
        "image": "publishes",
        "flakehub": "publishes to FlakeHub",
        "nix-cache": "pushes to the binary cache",
    }[pub.kind]
    triggers = ", ".join(pub.triggers) or "no trigger"
    return Fact(
        id=f"publication:{_key(pub)}",
        gate="source-of-truth",
        text=f"{pub.workflow} {what} {artifact} from {_source_words(pub)} to {target}{via}, "
        f"on {triggers}",
        evidence=[_at(pub)],
    )


def _coverage_fact(pub: Publication) -> Fact:
    parts: list[str] = []
    evidence = [_at(pub)]
    if pub.buildx:
        parts.append("Docker Buildx")
    parts.append(f"{pub.registry or 'registry'} push")
    if pub.vuln_scan:
        blocking = "blocking" if pub.vuln_scan.blocking else "non-blocking"
        parts.append(
            f"{_TOOL_NAMES.get(pub.vuln_scan.tool, pub.vuln_scan.tool)} scanning ({blocking})"
        )
        evidence.append(Evidence(pub.vuln_scan.path, pub.vuln_scan.line, None))
    else:
        parts.append("no vulnerability scanning")
    if pub.signing:
        how = "by digest" if pub.signing.by_digest else "by tag"
        parts.append(
            f"{_TOOL_NAMES.get(pub.signing.tool, pub.signing.tool)} {pub.signing.mode} "
            f"signing {how}"
        )
        evidence.append(Evidence(pub.signing.path, pub.signing.line, None))
    else:
        parts.append("no signing")
    if pub.provenance:
        parts.append(f"{pub.provenance.kind} provenance")
        evidence.append(Evidence(pub.provenance.path, pub.provenance.line, None))
    return Fact(
        id=f"coverage:{_key(pub)}",
        gate="security-parity",
        text=f"{pub.workflow} ({pub.job}) includes " + ", ".join(parts),
        evidence=evidence,
    )


def _flake_facts(inputs: StatementInputs) -> list[Fact]:
    flake = inputs.flake
    if not flake.path:
        return [Fact("flake:absent", "source-of-truth", "the repository has no flake.nix", [])]
    packages = [p for p in flake.packages if p.name in inputs.artifact.flake_packages]
    facts: list[Fact] = []
    if packages:
        names = " and ".join(f"packages.{p.name}" for p in packages)
        facts.append(
            Fact(
                "flake:packages",
                "source-of-truth",
                f"{flake.path} exports {'both ' if len(packages) == 2 else ''}{names}",
                [Evidence(flake.path, p.line, None) for p in packages],
            )
        )
    published = {
        flake_attr(p.build_source.ref): p for p in inputs.publications if is_release_surface(p)
    }
    for package in packages:
        if not package.image_builder:
            continue
        pub = published.get(package.name)
        if pub:
            facts.append(
                Fact(
                    f"flake:published:{package.name}",
                    "publication-parity",
                    f"{pub.workflow} publishes packages.{package.name} to "
                    f"{pub.image_resolved or pub.image}",
                    [_at(pub), Evidence(flake.path, package.line, None)],
                )
            )
        else:
            builds = [b for b in inputs.nix_builds if b.attr == package.name]
            evidence = [Evidence(flake.path, package.line, None)]
            evidence += [Evidence(b.path, b.line, None) for b in builds]
            built = f" ({builds[0].workflow} only builds it for validation)" if builds else ""
            facts.append(
                Fact(
                    f"flake:unpublished:{package.name}",
                    "publication-parity",
                    f"no active workflow publishes packages.{package.name}{built}",
                    evidence,
                )
            )
    return facts


def _deployment_facts(deployments: list[Deployment]) -> list[Fact]:
    facts = []
    for dep in deployments:
        pinned = "digest-pinned" if dep.digest_pinned else "plain"
        what = (
            f"a {pinned} image string"
            if dep.type in (None, "string")
            else f"a {pinned} image of type {dep.type}"
        )
        consumer = dep.consumers[0] if dep.consumers else None
        where = consumer.file if consumer else dep.file
        evidence = [Evidence(dep.file, dep.line, None)]
        evidence += [Evidence(c.file, c.line, None) for c in dep.consumers]
        facts.append(
            Fact(
                f"deployment:{dep.path}:{dep.variable}",
                "deployment-consumption",
                f"{where} deploys {what} through var.{dep.variable}",
                evidence,
            )
        )
    return facts


def _docs_fact(inputs: StatementInputs) -> Fact:
    primary = {p.path for p in inputs.pages}
    nix_mentions = [
        m for m in inputs.docs if m.path in primary and m.mentions in ("nix-image", "derivation")
    ]
    nix_publications = [
        p
        for p in inputs.publications
        if is_release_surface(p) and (p.build_source.kind == "nix" or p.kind == "flakehub")
    ]
    evidence = [Evidence(m.path, m.line, None) for m in nix_mentions]
    evidence += [_at(p) for p in nix_publications]
    if not nix_mentions and not nix_publications:
        if not inputs.pages:
            return Fact(
                "docs:nix-authority",
                "documentation-convergence",
                "no primary docs (overview, container build, release, onboarding) were identified"
                " and no workflow publishes a Nix surface; name the docs under docs: in "
                ".release-gate.yaml",
                [],
            )
        return Fact(
            "docs:nix-authority",
            "documentation-convergence",
            "no operator-facing docs or workflows currently treat a flake derivation or "
            "Nix-built image as release authority",
            [Evidence(p.path, None, None) for p in inputs.pages],
        )
    parts = []
    if nix_mentions:
        parts.append(
            "primary docs mention the Nix image or derivation at "
            + ", ".join(f"{m.path}:{m.line}" for m in nix_mentions)
            + " (review whether they present it as a release path)"
        )
    if nix_publications:
        parts.append(
            "workflows publish a Nix surface at "
            + ", ".join(f"{p.path}:{p.line}" for p in nix_publications)
        )
    return Fact("docs:nix-authority", "documentation-convergence", "; ".join(parts), evidence)


def _ownership_facts(inputs: StatementInputs) -> list[Fact]:
    facts = []
    if inputs.config.planning_owners:
        line = inputs.config.line_of.get("ownership")
        facts.append(
            Fact(
                "ownership:planning",
                "ownership",
                f"planning ownership of a release-authority change: "
                f"{', '.join(inputs.config.planning_owners)}",
                [Evidence(".release-gate.yaml", line, None)],
            )
        )
    owners = inputs.owners
    if owners.file:
        paths = sorted({p.path for p in inputs.publications if p.artifact_match})
        for path in paths:
            rule = owner_of(owners, path)
            if rule and rule.owners:
                facts.append(
                    Fact(
                        f"ownership:{path}",
                        "ownership",
                        f"{owners.file} assigns {path} to {' '.join(rule.owners)}",
                        [Evidence(owners.file, rule.line, None)],
                    )
                )
    return facts


def describe(inputs: StatementInputs) -> list[Fact]:
    """The fact list of a scan, in reading order (evidence blobs are filled in by the caller)."""
    artifact = inputs.artifact.name or "the artifact"
    facts: list[Fact] = []
    for pub in inputs.publications:
        if pub.artifact_match:
            facts.append(_publication_fact(pub, artifact))
            if pub.kind == "image":
                facts.append(_coverage_fact(pub))
    facts.extend(_flake_facts(inputs))
    facts.extend(_deployment_facts(inputs.deployments))
    facts.append(_docs_fact(inputs))
    facts.extend(_ownership_facts(inputs))
    current = inputs.authority.current
    facts.append(
        Fact(
            "authority:current",
            "source-of-truth",
            f"today the release authority is {_AUTHORITY_WORDS[current]}"
            + (f" ({inputs.authority.reason})" if inputs.authority.reason else ""),
            list(inputs.authority.evidence),
        )
    )
    return facts
