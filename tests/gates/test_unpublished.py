"""An unpublished candidate is shown with what of it exists, and only what belongs to it."""

from __future__ import annotations

from pathlib import Path

from tests.gates.variants import NIX_RELEASE_WORKFLOW
from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import RequirementResult
from wizard.sample import SEED_FILES, build_seed_repo
from wizard.scan.repository import scan_repository

FLAKE = SEED_FILES["flake.nix"]
NIX_CI = SEED_FILES[".github/workflows/nix.yml"]
BUILD_IMAGE = SEED_FILES[".github/workflows/build-image.yml"]

# Another artifact's image in the same flake, built by the same CI job.
FLAKE_WITH_DOCS_IMAGE = FLAKE.replace(
    "        packages.default = runnerDashboard;\n",
    "        packages.default = runnerDashboard;\n"
    '        packages.docs-site-image = n2c.buildImage { name = "docs-site"; };\n',
)
NIX_CI_WITH_DOCS_IMAGE = NIX_CI + "          nix build .#docs-site-image\n"


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def scanning(repo: Path, candidate: str) -> RequirementResult:
    scan = scan_repository(repo)
    assert scan.config is not None
    (evaluation,) = evaluate(scan, scan.config, load_spec(scan.config), (candidate,))
    gate = evaluation.gate("security-parity")
    return next(r for r in gate.requirements if r.id == "vulnerability-scanning")


def places(result: RequirementResult) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in result.evidence]


def test_nix_image_evidence_is_the_artifacts_image_package_and_its_ci_build(
    tmp_path: Path,
) -> None:
    repo = build_seed_repo(
        tmp_path / "r",
        {"flake.nix": FLAKE_WITH_DOCS_IMAGE, ".github/workflows/nix.yml": NIX_CI_WITH_DOCS_IMAGE},
    )
    result = scanning(repo, "nix-image")
    assert result.status == "not-met"
    assert result.reason == (
        "no workflow publishes the nix image path, so nothing on that path is scanned"
    )
    assert places(result) == [
        ("flake.nix", line_of(FLAKE, "packages.runner-dashboard-image =")),
        (".github/workflows/nix.yml", line_of(NIX_CI, "nix build .#runner-dashboard-image")),
    ]


def test_derivation_evidence_is_the_artifacts_derivation_and_its_ci_build(
    seed_repo: Path,
) -> None:
    assert places(scanning(seed_repo, "nix-derivation")) == [
        ("flake.nix", line_of(FLAKE, "packages.runner-dashboard =")),
        (".github/workflows/nix.yml", line_of(NIX_CI, "nix build .#runner-dashboard")),
    ]


def _nix_is_current(tmp_path: Path, build_image: str | None) -> Path:
    repo = build_seed_repo(
        tmp_path / ("with" if build_image else "without"),
        {
            ".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW,
            ".github/workflows/release.yml": None,
            ".github/workflows/build-image.yml": build_image,
        },
    )
    assert scan_repository(repo).authority.current == "nix-image"
    return repo


def test_dockerfile_evidence_is_where_a_dockerfile_is_built(tmp_path: Path) -> None:
    pull_requests_only = (
        "name: Build dashboard image\n\non:\n  pull_request:\n\n"
        + (BUILD_IMAGE[BUILD_IMAGE.index("permissions:") :])
    )
    result = scanning(_nix_is_current(tmp_path, pull_requests_only), "dockerfile-image")
    assert result.reason == (
        "no workflow publishes the dockerfile image path, so nothing on that path is scanned"
    )
    build = line_of(pull_requests_only, "uses: docker/build-push-action")
    assert places(result) == [(".github/workflows/build-image.yml", build)]


def test_without_a_dockerfile_build_the_evidence_is_what_publishes_today(tmp_path: Path) -> None:
    result = scanning(_nix_is_current(tmp_path, None), "dockerfile-image")
    pushed = line_of(NIX_RELEASE_WORKFLOW, "nix run .#runner-dashboard-image.copyTo")
    assert places(result) == [(".github/workflows/nix-release.yml", pushed)]
    assert all(e.blob and len(e.blob) == 40 for e in result.evidence)
