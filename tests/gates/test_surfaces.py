"""Candidates' publications come from the one classification in wizard.authority."""

from __future__ import annotations

from pathlib import Path

from tests.gates.variants import NIX_RELEASE_WORKFLOW
from wizard.authority import release_surfaces
from wizard.gates.engine import evaluate, load_spec
from wizard.sample import build_seed_repo
from wizard.scan.repository import scan_repository


def test_release_surfaces_group_what_publishes_by_kind(seed_repo: Path) -> None:
    surfaces = release_surfaces(scan_repository(seed_repo).publications)
    assert {kind: [(p.path, p.line) for p in pubs] for kind, pubs in surfaces.items()} == {
        "dockerfile-image": [
            (".github/workflows/build-image.yml", 51),
            (".github/workflows/release.yml", 40),
        ],
        "nix-image": [],
        "nix-derivation": [],
    }


def test_dual_candidate_publishes_through_both_surfaces(tmp_path: Path) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW}
    )
    scan = scan_repository(repo)
    assert scan.config is not None
    (dual,) = evaluate(scan, scan.config, load_spec(scan.config), ("dual",))
    defined = next(
        r for r in dual.gate("source-of-truth").requirements if r.id == "surface-defined"
    )
    assert defined.status == "met"
    assert {e.path for e in defined.evidence} == {
        ".github/workflows/build-image.yml",
        ".github/workflows/release.yml",
        ".github/workflows/nix-release.yml",
    }
