"""The seed repository: two Dockerfile publications to GHCR, Nix outputs only built."""

from __future__ import annotations

from pathlib import Path

from tests.scan.workflow_support import scan
from wizard.facts import BuildSource, Signing, VulnScan
from wizard.repo import git_blob_id


def test_branch_workflow_publishes_dockerfile_image_to_ghcr(seed_repo: Path) -> None:
    result, problems = scan(seed_repo)
    assert problems == []
    build = next(p for p in result.publications if p.workflow.endswith("build-image.yml"))
    path = ".github/workflows/build-image.yml"
    assert build.kind == "image"
    assert (build.job, build.line, build.path, build.via) == ("image", 51, path, None)
    assert build.image == "ghcr.io/tinyland-inc/runner-dashboard"
    assert build.image_resolved is None
    assert build.registry == "ghcr.io"
    assert build.build_source == BuildSource("dockerfile", "app/Dockerfile")
    assert build.triggers == ["push:branches=main", "pull_request", "workflow_dispatch"]
    assert build.tags == ["type=ref,event=branch", "type=sha"]
    assert build.push == "${{ github.event_name != 'pull_request' }}"
    assert build.buildx is True
    assert build.vuln_scan == VulnScan("trivy", 61, True, path)
    assert build.signing == Signing("cosign", "keyless", True, 75, path)
    assert build.provenance is None
    assert build.id_token_write is True
    assert build.digest_output is True
    assert build.artifact_match is False
    data = (seed_repo / path).read_bytes()
    assert build.blob == git_blob_id(data)


def test_release_workflow_publishes_on_version_tags_with_env_resolved(seed_repo: Path) -> None:
    result, _ = scan(seed_repo)
    release = next(p for p in result.publications if p.workflow.endswith("release.yml"))
    path = ".github/workflows/release.yml"
    assert (release.job, release.line) == ("publish", 40)
    assert release.image == "${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}"
    assert release.image_resolved == "ghcr.io/tinyland-inc/runner-dashboard"
    assert release.registry == "ghcr.io"
    # No `file:`: the Dockerfile of the `app` context.
    assert release.build_source == BuildSource("dockerfile", "app/Dockerfile")
    assert release.triggers == ["push:tags=v*.*.*"]
    assert release.tags == [
        "type=semver,pattern={{version}}",
        "type=semver,pattern={{major}}.{{minor}}",
    ]
    assert release.push is True
    assert release.vuln_scan == VulnScan("trivy", 48, True, path)
    # `run: |` at line 57: the command is on the first content line.
    assert release.signing == Signing("cosign", "keyless", True, 58, path)
    assert release.id_token_write is True


def test_nix_workflow_only_builds_validation_outputs(seed_repo: Path) -> None:
    result, _ = scan(seed_repo)
    assert len(result.publications) == 2
    assert not any(p.workflow.endswith("nix.yml") for p in result.publications)
    builds = [(b.workflow, b.job, b.line, b.attr, b.triggers) for b in result.nix_builds]
    nix = ".github/workflows/nix.yml"
    triggers = ["pull_request", "push:branches=main"]
    assert builds == [
        (nix, "check", 22, "runner-dashboard", triggers),
        (nix, "check", 23, "runner-dashboard-image", triggers),
    ]
    assert result.workflows == [
        ".github/workflows/build-image.yml",
        nix,
        ".github/workflows/release.yml",
    ]
