"""Owners named in `.release-gate.yaml` meet both ownership requirements, through one helper."""

from __future__ import annotations

from pathlib import Path

from tests.gates.variants import NIX_RELEASE_WORKFLOW
from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import CandidateEvaluation, RequirementResult
from wizard.sample import SEED_FILES, build_seed_repo
from wizard.scan.repository import scan_repository

CONFIG = SEED_FILES[".release-gate.yaml"] + '  operational:\n    nix-image: "@acme/nix-team"\n'


def requirement(evaluation: CandidateEvaluation, gate: str, req_id: str) -> RequirementResult:
    return next(r for r in evaluation.gate(gate).requirements if r.id == req_id)


def test_configured_operational_owner_meets_failure_and_operational_ownership(
    tmp_path: Path,
) -> None:
    repo = build_seed_repo(
        tmp_path / "r",
        {
            ".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW,
            ".release-gate.yaml": CONFIG,
            ".github/CODEOWNERS": None,
        },
    )
    scan = scan_repository(repo)
    assert scan.config is not None
    nix, current = evaluate(
        scan, scan.config, load_spec(scan.config), ("nix-image", "dockerfile-image")
    )
    failures = requirement(nix, "security-parity", "failure-ownership")
    operational = requirement(nix, "ownership", "operational-ownership")
    assert (failures.status, failures.reason) == (
        "met",
        ".release-gate.yaml names @acme/nix-team for failures of the nix image path",
    )
    assert (operational.status, operational.reason) == (
        "met",
        ".release-gate.yaml names @acme/nix-team as operational owner of the nix image path",
    )
    ownership_line = CONFIG.splitlines().index("ownership:") + 1
    for result in (failures, operational):
        assert [(e.path, e.line) for e in result.evidence] == [
            (".release-gate.yaml", ownership_line)
        ]
    # Only the named candidate is covered; the Dockerfile path falls back to CODEOWNERS, absent here.
    fallback = requirement(current, "security-parity", "failure-ownership")
    assert fallback.status == "needs-review" and "no CODEOWNERS file" in fallback.reason
