"""Gate evaluation results and the context every check receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wizard.config import Config
from wizard.facts import Evidence, Publication, ScanResult

Status = Literal["met", "not-met", "needs-review"]

CANDIDATES: tuple[str, ...] = ("dockerfile-image", "nix-image", "nix-derivation", "dual")
# The authorities that are one surface; dual publication combines them.
SINGLE_AUTHORITIES: tuple[str, ...] = ("dockerfile-image", "nix-image", "nix-derivation")
CANDIDATE_TITLES = {
    "dockerfile-image": "Dockerfile image path",
    "nix-image": "Nix image path",
    "nix-derivation": "Derivation plus separately defined image assembly path",
    "dual": "Dual publication with one canonical release authority",
}


@dataclass
class Verdict:
    status: Status
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class RequirementResult:
    id: str
    text: str
    check: str
    status: Status
    reason: str
    evidence: list[Evidence]
    source: str = "built-in"


@dataclass
class GateResult:
    id: str
    number: int
    title: str
    summary: str
    status: Status
    requirements: list[RequirementResult]


@dataclass
class CandidateEvaluation:
    candidate: str
    current: bool
    change_allowed: bool
    gates: list[GateResult]

    def gate(self, gate_id: str) -> GateResult:
        return next(g for g in self.gates if g.id == gate_id)


@dataclass
class EvalContext:
    scan: ScanResult
    config: Config
    candidate: str
    current: str
    candidate_pubs: list[Publication]
    baseline_pubs: list[Publication]
    surfaces: dict[str, list[Publication]]

    @property
    def is_current(self) -> bool:
        return self.candidate == self.current

    @property
    def artifact(self) -> str:
        return self.scan.artifact or "the artifact"

    @property
    def declared(self) -> str | None:
        """The authority `.release-gate.yaml` declares canonical, the one declaration source."""
        return self.config.canonical


def combine(statuses: list[Status]) -> Status:
    """A gate is met when all its requirements are met, not-met when any is not met."""
    if any(s == "not-met" for s in statuses):
        return "not-met"
    if all(s == "met" for s in statuses):
        return "met"
    return "needs-review"


def at(pub: Publication) -> Evidence:
    return Evidence(pub.path, pub.line, pub.blob)
