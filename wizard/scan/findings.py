"""What the recognisers find in one job, and what earlier steps leave behind for later ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from wizard.facts import BuildSource, Provenance, PublicationKind, Signing, VulnScan
from wizard.scan.expressions import condition, flag
from wizard.scan.items import ActionStep, CommandStep, Frame
from wizard.scan.targets import Guarded

ProvenanceKind = Literal["attest-build-provenance", "slsa-generator", "buildx-provenance", "sbom"]
PROVENANCE_STRENGTH = ("attest-build-provenance", "slsa-generator", "buildx-provenance", "sbom")

# Trivy's targets (CLI subcommands and aliases, trivy-action `scan-type`): those that read an
# image (or its SBOM), and those that read files, repositories or configuration instead.
_TRIVY_IMAGE_TARGETS = frozenset({"image", "i", "sbom", "vm"})
_TRIVY_OTHER_TARGETS = frozenset(
    {"fs", "filesystem", "rootfs", "repo", "repository", "config", "conf"}
)
_SBOM_FORMATS = frozenset({"cyclonedx", "spdx", "spdx-json", "github"})


@dataclass
class PushDraft:
    """A pushing step before the job-wide facts (scanning, signing, triggers) are attached."""

    kind: PublicationKind
    frame: Frame
    line: int
    image: str | None
    image_resolved: str | None
    tags: list[str]
    build_source: BuildSource
    push: bool | str
    registry: str | None = None  # fixed for caches and FlakeHub; images derive it from the name
    digest_output: bool = False
    buildx: bool = False
    provenance: Provenance | None = None
    step: tuple[str, str] | None = None  # (file whose `steps` context holds it, step id)


@dataclass
class NixBuildHit:
    attr: str
    path: str
    line: int
    via: tuple[str, ...]


@dataclass
class JobFacts:
    drafts: list[PushDraft] = field(default_factory=list)
    scans: list[Guarded[VulnScan]] = field(default_factory=list)
    signings: list[Guarded[Signing]] = field(default_factory=list)
    provenances: list[Guarded[Provenance]] = field(default_factory=list)
    nix_builds: list[NixBuildHit] = field(default_factory=list)
    buildx: bool = False


@dataclass
class JobState:
    """Local results of earlier steps: Nix out-links, images built or loaded, metadata steps."""

    out_links: dict[str, str] = field(default_factory=dict)  # out-link path -> flake attr
    image_sources: dict[str, BuildSource] = field(default_factory=dict)  # local image -> source
    dockerfile_builds: list[BuildSource] = field(default_factory=list)
    loaded_nix: str | None = None  # attr of the Nix-built image last loaded into the daemon
    built_attrs: list[str] = field(default_factory=list)
    metadata: dict[tuple[str, str], ActionStep] = field(default_factory=dict)
    # Cache pushes of everything built after them (cachix-action, `cachix watch-store`).
    watchers: list[tuple[PushDraft, int]] = field(default_factory=list)


# Reads one shell command (its words unwrapped from sudo, env, …) into the job's state and facts.
CommandRecogniser = Callable[[CommandStep, list[str], JobState, JobFacts], None]


def push_value(frame: Frame, explicit: Any = None) -> bool | str | None:
    """True, or the expression that decides whether the push happens; None when it never does.

    The action's own push input decides first, then the step's `if:`, then enclosing ones.
    """
    chosen: bool | str = True
    if explicit is not None:
        pushed = flag(explicit, frame.scope)
        if pushed is False:
            return None
        if isinstance(pushed, str):
            chosen = pushed
    for value in frame.conditions:
        runs = condition(value, frame.scope)
        if runs is False:
            return None
        if isinstance(runs, str) and chosen is True:
            chosen = runs
    return chosen


def fails_job(frame: Frame, guarded: bool = False) -> bool:
    """A failure here fails the job: no `|| true`, no `continue-on-error` that is or may be true."""
    if guarded:
        return False
    for value in frame.continue_on_error:
        allowed = flag(value, frame.scope)
        if allowed is True or isinstance(allowed, str):
            return False
    return True


def trivy_output(target: str, output_format: str) -> Literal["scan", "sbom"] | None:
    """What a Trivy run gives the published image: an SBOM when it writes one in an SBOM format,
    a vulnerability scan when it reads an image, nothing for file systems, repositories and
    configuration (or a target Trivy does not have)."""
    target, output_format = target.strip().lower(), output_format.strip().lower()
    if target not in _TRIVY_IMAGE_TARGETS | _TRIVY_OTHER_TARGETS:
        return None
    if output_format in _SBOM_FORMATS:
        return "sbom"
    return "scan" if target in _TRIVY_IMAGE_TARGETS else None


def strongest(provenances: list[Provenance]) -> Provenance | None:
    if not provenances:
        return None
    return min(provenances, key=lambda p: PROVENANCE_STRENGTH.index(p.kind))
