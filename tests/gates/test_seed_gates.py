"""On the seed repository the evaluation reproduces each gate's "Current status" line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import CandidateEvaluation
from wizard.scan.repository import scan_repository

NON_CURRENT = ("nix-image", "nix-derivation", "dual")


@pytest.fixture
def evaluations(seed_repo: Path) -> dict[str, CandidateEvaluation]:
    scan = scan_repository(seed_repo)
    assert scan.config is not None
    return {e.candidate: e for e in evaluate(scan, scan.config, load_spec(scan.config))}


def status(evaluations: dict[str, CandidateEvaluation], candidate: str, gate: str) -> str:
    return evaluations[candidate].gate(gate).status


def requirement(
    evaluations: dict[str, CandidateEvaluation], candidate: str, gate: str, req: str
) -> Any:
    return next(r for r in evaluations[candidate].gate(gate).requirements if r.id == req)


def test_current_authority_is_the_baseline(evaluations: dict[str, CandidateEvaluation]) -> None:
    assert evaluations["dockerfile-image"].current is True
    assert [e.current for c, e in evaluations.items() if c != "dockerfile-image"] == [False] * 3
    assert all(
        status(evaluations, "dockerfile-image", g.id) == "met"
        for g in evaluations["dockerfile-image"].gates
    )
    assert not any(evaluations[c].change_allowed for c in NON_CURRENT)


def test_source_of_truth_not_met_for_any_non_current_alternative(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for candidate in NON_CURRENT:
        assert status(evaluations, candidate, "source-of-truth") == "not-met", candidate
    declared = requirement(evaluations, "dockerfile-image", "source-of-truth", "declared-canonical")
    assert declared.status == "met" and "de facto" in declared.reason
    nix = requirement(evaluations, "nix-image", "source-of-truth", "surface-defined")
    assert "packages.runner-dashboard-image but no workflow publishes it" in nix.reason
    assert any(e.path == "flake.nix" for e in nix.evidence)


def test_security_parity_not_met_for_nix_image_or_direct_derivation_publication(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for candidate in ("nix-image", "nix-derivation"):
        gate = evaluations[candidate].gate("security-parity")
        assert gate.status == "not-met"
        scanning = next(r for r in gate.requirements if r.id == "vulnerability-scanning")
        assert scanning.status == "not-met" and "no workflow publishes" in scanning.reason
    current = requirement(
        evaluations, "dockerfile-image", "security-parity", "signing-or-provenance"
    )
    assert "cosign keyless by digest" in current.reason
    assert {e.path for e in current.evidence} == {
        ".github/workflows/build-image.yml",
        ".github/workflows/release.yml",
    }


def test_publication_parity_not_met_outside_the_current_image_path(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for candidate in NON_CURRENT:
        assert status(evaluations, candidate, "publication-parity") == "not-met", candidate
    trigger = requirement(
        evaluations, "dockerfile-image", "publication-parity", "intentional-trigger"
    )
    assert "push:tags=v*.*.*" in trigger.reason
    distinct = requirement(evaluations, "nix-image", "publication-parity", "validation-distinct")
    assert ".github/workflows/nix.yml" in distinct.reason and "validation only" in distinct.reason


def test_deployment_and_docs_only_met_for_image_based_authority(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for gate in ("deployment-consumption", "documentation-convergence"):
        assert status(evaluations, "dockerfile-image", gate) == "met"
        for candidate in NON_CURRENT:
            assert status(evaluations, candidate, gate) == "not-met", (candidate, gate)
    contract = requirement(
        evaluations, "nix-derivation", "deployment-consumption", "single-install-contract"
    )
    assert "var.image (string)" in contract.reason and "derivation cannot be installed" in (
        contract.reason
    )


def test_planning_ownership_exists_operational_ownership_for_a_change_does_not(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for candidate in ("dockerfile-image", *NON_CURRENT):
        planning = requirement(evaluations, candidate, "ownership", "planning-ownership")
        assert planning.status == "met" and "#171" in planning.reason
    for candidate in NON_CURRENT:
        operational = requirement(evaluations, candidate, "ownership", "operational-ownership")
        assert operational.status == "not-met"
        assert "no concrete workflow and maintainer boundary" in operational.reason
    current = requirement(evaluations, "dockerfile-image", "ownership", "operational-ownership")
    assert current.status == "met" and "@tinyland-inc/platform" in current.reason


def test_every_verdict_carries_evidence_with_blobs(
    evaluations: dict[str, CandidateEvaluation],
) -> None:
    for evaluation in evaluations.values():
        for gate in evaluation.gates:
            for req in gate.requirements:
                if req.status != "needs-review":
                    assert req.evidence, (evaluation.candidate, gate.id, req.id)
                for ev in req.evidence:
                    assert ev.blob and len(ev.blob) == 40, (evaluation.candidate, req.id, ev)
