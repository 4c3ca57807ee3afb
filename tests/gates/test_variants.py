"""Variants of the seed flip verdicts for the right reason."""

from __future__ import annotations

from pathlib import Path

from tests.gates.variants import (
    NIX_PUSH_WITHOUT_SCANNING,
    NIX_RELEASE_WORKFLOW,
    ONBOARDING_WITH_NIX_BUILD,
    without_cosign,
)
from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import CandidateEvaluation
from wizard.sample import build_seed_repo
from wizard.scan.repository import scan_repository


def evaluate_repo(path: Path, candidate: str) -> CandidateEvaluation:
    scan = scan_repository(path)
    assert scan.config is not None
    return evaluate(scan, scan.config, load_spec(scan.config), (candidate,))[0]


def req(evaluation: CandidateEvaluation, gate: str, requirement: str) -> tuple[str, str]:
    found = next(r for r in evaluation.gate(gate).requirements if r.id == requirement)
    return found.status, found.reason


def test_nix_release_with_trivy_cosign_and_tags_meets_security_and_publication(
    tmp_path: Path,
) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW}
    )
    nix = evaluate_repo(repo, "nix-image")
    assert nix.gate("security-parity").status == "met", nix.gate("security-parity")
    assert nix.gate("publication-parity").status == "met", nix.gate("publication-parity")
    status, reason = req(nix, "security-parity", "signing-or-provenance")
    assert "cosign keyless by digest" in reason
    status, reason = req(nix, "publication-parity", "versioned-publication")
    assert status == "met" and "github.ref_name" in reason
    # Both surfaces now publish the same image name: today's authority is dual.
    assert scan_repository(repo).authority.current == "dual"


def test_nix_push_without_scanning_is_named_as_the_gap(tmp_path: Path) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {".github/workflows/nix-push.yml": NIX_PUSH_WITHOUT_SCANNING}
    )
    nix = evaluate_repo(repo, "nix-image")
    status, reason = req(nix, "security-parity", "vulnerability-scanning")
    assert status == "not-met"
    assert "without vulnerability scanning at .github/workflows/nix-push.yml:" in reason
    status, reason = req(nix, "publication-parity", "intentional-trigger")
    assert status == "not-met" and "push:branches=main" in reason


def test_removing_cosign_from_the_current_path_weakens_the_baseline(tmp_path: Path) -> None:
    tag_signed = NIX_RELEASE_WORKFLOW.replace(
        "cosign sign --yes ghcr.io/tinyland-inc/runner-dashboard@${{ steps.digest.outputs.digest }}",
        "cosign sign --yes ghcr.io/tinyland-inc/runner-dashboard:${{ github.ref_name }}",
    )
    strong = build_seed_repo(tmp_path / "strong", {".github/workflows/nix-release.yml": tag_signed})
    status, reason = req(
        evaluate_repo(strong, "nix-image"), "security-parity", "signing-or-provenance"
    )
    assert (
        status == "not-met"
        and "signs by tag" in reason
        and "current path signs by digest" in (reason)
    )
    weak = build_seed_repo(
        tmp_path / "weak",
        {
            ".github/workflows/nix-release.yml": tag_signed,
            ".github/workflows/build-image.yml": without_cosign(
                ".github/workflows/build-image.yml"
            ),
            ".github/workflows/release.yml": without_cosign(".github/workflows/release.yml"),
        },
    )
    status, reason = req(
        evaluate_repo(weak, "nix-image"), "security-parity", "signing-or-provenance"
    )
    assert status == "met" and "the current path signs by tag or not at all" in reason
    current = evaluate_repo(weak, "dockerfile-image")
    status, reason = req(current, "security-parity", "signing-or-provenance")
    assert status == "not-met" and "published without signing" in reason


def test_docs_telling_operators_to_nix_build_break_convergence_for_the_image_authority(
    tmp_path: Path,
) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {"docs/operators/onboarding.md": ONBOARDING_WITH_NIX_BUILD}
    )
    current = evaluate_repo(repo, "dockerfile-image")
    assert current.gate("documentation-convergence").status == "not-met"
    status, reason = req(current, "documentation-convergence", "one-story")
    assert "docs/operators/onboarding.md:" in reason and "(nix-image)" in reason
    status, _ = req(current, "deployment-consumption", "docs-not-mixed")
    assert status == "not-met"


def test_declared_canonical_in_config(tmp_path: Path) -> None:
    repo = build_seed_repo(
        tmp_path / "r",
        {
            ".release-gate.yaml": "ownership:\n  planning: '#171'\nauthority:\n  canonical: nix-image\n",
        },
    )
    status, reason = req(evaluate_repo(repo, "nix-image"), "source-of-truth", "declared-canonical")
    assert status == "met" and ".release-gate.yaml declares" in reason
    status, reason = req(
        evaluate_repo(repo, "dockerfile-image"), "source-of-truth", "declared-canonical"
    )
    assert status == "not-met" and "declares nix-image" in reason


def test_without_codeowners_or_planning_owner_the_verdict_is_needs_review(tmp_path: Path) -> None:
    repo = build_seed_repo(tmp_path / "r", {".github/CODEOWNERS": None, ".release-gate.yaml": None})
    current = evaluate_repo(repo, "dockerfile-image")
    status, reason = req(current, "security-parity", "failure-ownership")
    assert status == "needs-review" and "no CODEOWNERS file" in reason
    status, _ = req(current, "ownership", "planning-ownership")
    assert status == "needs-review"
    assert current.gate("ownership").status == "needs-review"
