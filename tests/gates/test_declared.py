"""Gate 1 reads the one declaration source, `.release-gate.yaml` `authority.canonical`."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import RequirementResult
from wizard.sample import SEED_FILES, build_seed_repo
from wizard.scan.repository import scan_repository


def declared_canonical(tmp_path: Path, canonical: str | None) -> dict[str, RequirementResult]:
    config = SEED_FILES[".release-gate.yaml"]
    if canonical:
        config += f"authority:\n  canonical: {canonical}\n"
    scan = scan_repository(build_seed_repo(tmp_path / "r", {".release-gate.yaml": config}))
    assert scan.config is not None
    return {
        e.candidate: next(
            r for r in e.gate("source-of-truth").requirements if r.id == "declared-canonical"
        )
        for e in evaluate(scan, scan.config, load_spec(scan.config))
    }


def test_without_a_declaration_the_reason_names_the_config_key(tmp_path: Path) -> None:
    results = declared_canonical(tmp_path, None)
    assert results["nix-image"].status == "not-met"
    assert results["nix-image"].reason == (
        ".release-gate.yaml does not declare the nix image path canonical "
        "(authority.canonical is not set); what publishes today is dockerfile-image"
    )
    assert results["dual"].reason == (
        "dual publication needs one declared canonical source and .release-gate.yaml declares "
        "none (authority.canonical); what publishes today is dockerfile-image"
    )
    assert results["dockerfile-image"].reason.endswith("and .release-gate.yaml declares no other")


def test_dual_is_met_by_declaring_its_one_canonical_surface(tmp_path: Path) -> None:
    results = declared_canonical(tmp_path, "dockerfile-image")
    assert (results["dual"].status, results["dual"].reason) == (
        "met",
        ".release-gate.yaml names dockerfile-image as the one canonical source of the dual "
        "publication",
    )
    assert [(e.path, e.line) for e in results["dual"].evidence] == [(".release-gate.yaml", 5)]


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (
            "dual",
            ".release-gate.yaml declares dual publication without its one canonical source; "
            "set authority.canonical to the surface that is canonical",
        ),
        ("dockerfile-image", ".release-gate.yaml declares dual, not dockerfile-image"),
    ],
)
def test_declaring_dual_names_no_canonical_surface(
    tmp_path: Path, candidate: str, reason: str
) -> None:
    result = declared_canonical(tmp_path, "dual")[candidate]
    assert (result.status, result.reason) == ("not-met", reason)
