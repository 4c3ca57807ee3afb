"""Typed facts a scan detects, each with evidence, and their `release-gate.facts/v1` JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from wizard.config import Config

SCHEMA = "release-gate.facts/v1"

PublicationKind = Literal["image", "flakehub", "nix-cache"]
BuildKind = Literal["dockerfile", "nix", "other"]
Authority = Literal["dockerfile-image", "nix-image", "nix-derivation", "dual", "none"]
Mention = Literal["registry-image", "nix-image", "derivation"]
DocRole = Literal["overview", "container-build", "release", "onboarding"]

AUTHORITIES: tuple[str, ...] = ("dockerfile-image", "nix-image", "nix-derivation", "dual")


@dataclass(frozen=True)
class Evidence:
    """A place in the repository: path, 1-based line (None for a whole file) and git blob id."""

    path: str
    line: int | None
    blob: str | None

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def stamped(evidence: list[Evidence], blobs: dict[str, str]) -> list[Evidence]:
    """Evidence carrying the blob of each file as scanned, without repeats, in order."""
    seen: set[tuple[str, int | None]] = set()
    out = []
    for ev in evidence:
        if (ev.path, ev.line) in seen:
            continue
        seen.add((ev.path, ev.line))
        out.append(ev if ev.blob else Evidence(ev.path, ev.line, blobs.get(ev.path)))
    return out


@dataclass(frozen=True)
class Problem:
    """An input that could not be read or parsed; the rest of the scan went on without it."""

    path: str
    line: int | None
    message: str


@dataclass
class BuildSource:
    kind: BuildKind
    ref: str | None


@dataclass
class VulnScan:
    tool: str
    line: int
    blocking: bool
    path: str


@dataclass
class Signing:
    tool: str
    mode: Literal["keyless", "key"]
    by_digest: bool
    line: int
    path: str


@dataclass
class Provenance:
    kind: Literal["attest-build-provenance", "slsa-generator", "buildx-provenance", "sbom"]
    line: int
    path: str


@dataclass
class Publication:
    """One workflow step that pushes an image, a flake or store paths somewhere public."""

    kind: PublicationKind
    workflow: str
    job: str
    line: int
    image: str | None
    registry: str | None
    artifact_match: bool
    build_source: BuildSource
    triggers: list[str]
    tags: list[str]
    push: bool | str
    buildx: bool
    vuln_scan: VulnScan | None
    signing: Signing | None
    provenance: Provenance | None
    via: str | None
    # Beyond the contract's minimum: where the pushing step is written (the workflow itself, a
    # composite action, a reusable workflow or a script) and what the detectors resolved.
    path: str = ""
    blob: str | None = None
    image_resolved: str | None = None
    id_token_write: bool = False
    digest_output: bool = False

    def __post_init__(self) -> None:
        if not self.path:
            self.path = self.workflow


@dataclass
class FlakePackage:
    name: str
    line: int
    image_builder: str | None
    systems: list[str] = field(default_factory=list)


@dataclass
class FlakeFacts:
    path: str | None
    packages: list[FlakePackage] = field(default_factory=list)
    image_packages: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    blob: str | None = None


@dataclass
class DeploymentValue:
    file: str
    line: int
    value: str
    digest_pinned: bool


@dataclass
class DeploymentConsumer:
    file: str
    line: int
    target: str
    expression: str


@dataclass
class Deployment:
    """A Terraform/OpenTofu input that carries the artifact's image."""

    path: str
    file: str
    line: int
    variable: str
    type: str | None
    default: str | None
    digest_pinned: bool
    consumers: list[DeploymentConsumer] = field(default_factory=list)
    values: list[DeploymentValue] = field(default_factory=list)


@dataclass
class DocMention:
    path: str
    line: int
    mentions: Mention
    text: str
    roles: list[DocRole] = field(default_factory=list)


@dataclass
class DocPage:
    """A primary document (overview, container build, release, onboarding) and how it was found."""

    path: str
    roles: list[DocRole]
    title: str | None
    reason: str


@dataclass
class OwnerRule:
    pattern: str
    owners: list[str]
    line: int


@dataclass
class Owners:
    file: str | None
    rules: list[OwnerRule] = field(default_factory=list)
    blob: str | None = None


@dataclass
class AuthorityFacts:
    current: Authority
    evidence: list[Evidence]
    reason: str = ""


@dataclass
class Fact:
    id: str
    gate: str
    text: str
    evidence: list[Evidence]


@dataclass
class RepoSummary:
    root: str
    head: str | None
    branch: str | None
    dirty: bool
    shallow: bool = False


@dataclass
class ValidationBuild:
    """A workflow step that builds a flake output without publishing it (CI validation output)."""

    workflow: str
    job: str
    path: str
    line: int
    attr: str
    triggers: list[str]


@dataclass
class ScanResult:
    repo: RepoSummary
    artifact: str | None
    artifact_source: str
    publications: list[Publication]
    flake: FlakeFacts
    deployments: list[Deployment]
    docs: list[DocMention]
    doc_pages: list[DocPage]
    owners: Owners
    authority: AuthorityFacts
    facts: list[Fact]
    problems: list[Problem]
    config_path: str | None = None
    validation_builds: list[ValidationBuild] = field(default_factory=list)
    # Blob id of every file the scan read, to stamp evidence; not part of the JSON contract.
    blobs: dict[str, str] = field(default_factory=dict, repr=False)
    # The configuration the scan ran with (gates and records read it too); not in the JSON.
    config: Config | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The contract's keys in order; `blobs` and `config` are for the core, not the JSON."""
        return {
            "schema": SCHEMA,
            "repo": asdict(self.repo),
            "artifact": self.artifact,
            "artifact_source": self.artifact_source,
            "config": self.config_path,
            "publications": [asdict(p) for p in self.publications],
            "flake": asdict(self.flake),
            "deployments": [asdict(d) for d in self.deployments],
            "docs": [asdict(m) for m in self.docs],
            "doc_pages": [asdict(p) for p in self.doc_pages],
            "validation_builds": [asdict(b) for b in self.validation_builds],
            "owners": asdict(self.owners),
            "authority": asdict(self.authority),
            "facts": [asdict(f) for f in self.facts],
            "problems": [asdict(p) for p in self.problems],
        }
