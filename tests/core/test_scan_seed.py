"""`scan --json` on the seed repository yields each of the seed's seven "Current Repo Facts"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gates.variants import NIX_RELEASE_WORKFLOW
from wizard.cli import main
from wizard.sample import build_seed_repo


def scan_json(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert main(["scan", str(repo), "--json", *extra]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.fixture
def facts(seed_repo: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return scan_json(seed_repo, capsys)


def publication(facts: dict[str, Any], workflow: str) -> dict[str, Any]:
    found = [p for p in facts["publications"] if p["workflow"] == workflow]
    assert len(found) == 1, found
    return found[0]


def test_contract_shape(facts: dict[str, Any], seed_repo: Path) -> None:
    assert facts["schema"] == "release-gate.facts/v1"
    for key in ("repo", "artifact", "publications", "flake", "deployments", "docs", "owners",
                "authority", "facts", "problems"):
        assert key in facts
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=seed_repo, capture_output=True,
                          text=True).stdout.strip()
    assert facts["repo"] == {"root": str(seed_repo.resolve()), "head": head, "branch": "main",
                             "dirty": False, "shallow": False}
    assert facts["problems"] == []


def test_fact_1_build_image_publishes_from_the_dockerfile_to_ghcr(facts: dict[str, Any]) -> None:
    assert facts["artifact"] == "runner-dashboard"
    pub = publication(facts, ".github/workflows/build-image.yml")
    assert pub["kind"] == "image"
    assert pub["image"] == "ghcr.io/tinyland-inc/runner-dashboard"
    assert pub["registry"] == "ghcr.io"
    assert pub["build_source"] == {"kind": "dockerfile", "ref": "app/Dockerfile"}
    assert pub["artifact_match"] is True
    assert pub["line"] == 51 and pub["job"] == "image"


def test_fact_2_that_workflow_has_buildx_ghcr_trivy_and_keyless_cosign(
    facts: dict[str, Any],
) -> None:
    pub = publication(facts, ".github/workflows/build-image.yml")
    assert pub["buildx"] is True
    assert pub["registry"] == "ghcr.io"
    assert pub["vuln_scan"]["tool"] == "trivy" and pub["vuln_scan"]["blocking"] is True
    assert pub["signing"]["tool"] == "cosign"
    assert pub["signing"]["mode"] == "keyless" and pub["signing"]["by_digest"] is True


def test_fact_3_release_also_publishes_with_the_same_coverage_on_tags(
    facts: dict[str, Any],
) -> None:
    pub = publication(facts, ".github/workflows/release.yml")
    assert pub["image"] == "${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}"
    assert pub["image_resolved"] == "ghcr.io/tinyland-inc/runner-dashboard"
    assert pub["triggers"] == ["push:tags=v*.*.*"]
    assert pub["vuln_scan"]["tool"] == "trivy" and pub["signing"]["tool"] == "cosign"
    assert pub["signing"]["mode"] == "keyless"


def test_fact_4_flake_exports_the_derivation_and_the_image(facts: dict[str, Any]) -> None:
    flake = facts["flake"]
    assert flake["path"] == "flake.nix"
    names = [p["name"] for p in flake["packages"]]
    assert {"runner-dashboard", "runner-dashboard-image"} <= set(names)
    assert flake["image_packages"] == ["runner-dashboard-image"]


def test_fact_5_no_active_workflow_publishes_the_nix_image(facts: dict[str, Any]) -> None:
    assert facts["flake"]["published"] == []
    assert all(p["build_source"]["kind"] != "nix" for p in facts["publications"])
    built = {(b["workflow"], b["attr"]) for b in facts["validation_builds"]}
    assert (".github/workflows/nix.yml", "runner-dashboard-image") in built
    sentence = next(f for f in facts["facts"] if f["id"] == "flake:unpublished:runner-dashboard-image")
    assert sentence["text"].startswith("no active workflow publishes packages.runner-dashboard-image")


def test_fact_6_the_stack_deploys_a_plain_image_string_through_var_image(
    facts: dict[str, Any],
) -> None:
    (deployment,) = facts["deployments"]
    assert deployment["path"] == "tofu/stacks/runner-dashboard"
    assert deployment["variable"] == "image" and deployment["type"] == "string"
    assert deployment["digest_pinned"] is False
    consumer = deployment["consumers"][0]
    assert consumer["file"] == "tofu/stacks/runner-dashboard/main.tf"
    assert consumer["target"] == "module.dashboard.image" and consumer["expression"] == "var.image"
    sentence = next(f for f in facts["facts"] if f["gate"] == "deployment-consumption")
    assert sentence["text"] == (
        "tofu/stacks/runner-dashboard/main.tf deploys a plain image string through var.image")


def test_fact_7_no_operator_docs_treat_nix_as_release_authority(facts: dict[str, Any]) -> None:
    primary = {p["path"] for p in facts["doc_pages"]}
    assert primary == {"docs/dashboard/overview.md", "docs/dashboard/container-build.md",
                       "docs/dashboard/release.md", "docs/operators/onboarding.md"}
    in_primary = [m for m in facts["docs"] if m["path"] in primary]
    assert in_primary and {m["mentions"] for m in in_primary} == {"registry-image"}
    elsewhere = {m["mentions"] for m in facts["docs"] if m["path"] == "docs/development/nix.md"}
    assert elsewhere == {"derivation", "nix-image"}
    sentence = next(f for f in facts["facts"] if f["id"] == "docs:nix-authority")
    assert sentence["text"].startswith("no operator-facing docs or workflows currently treat")


def test_authority_is_the_dockerfile_image_with_evidence(facts: dict[str, Any]) -> None:
    authority = facts["authority"]
    assert authority["current"] == "dockerfile-image"
    assert {e["path"] for e in authority["evidence"]} == {
        ".github/workflows/build-image.yml", ".github/workflows/release.yml"}
    assert all(len(e["blob"]) == 40 for e in authority["evidence"])


def test_every_fact_has_path_line_and_blob_evidence(facts: dict[str, Any]) -> None:
    for fact in facts["facts"]:
        assert fact["evidence"], fact["id"]
        for ev in fact["evidence"]:
            assert ev["path"] and ev["blob"], (fact["id"], ev)


def test_published_nix_image_makes_the_authority_dual(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    repo = build_seed_repo(tmp_path / "r", {".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW})
    facts = scan_json(repo, capsys)
    assert facts["authority"]["current"] == "dual"
    nix = publication(facts, ".github/workflows/nix-release.yml")
    assert nix["build_source"] == {"kind": "nix", "ref": ".#runner-dashboard-image"}
    assert nix["artifact_match"] is True
    assert facts["flake"]["published"] == ["runner-dashboard-image"]


def test_artifact_override_and_config(seed_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = scan_json(seed_repo, capsys, "--artifact", "other-service")
    assert facts["artifact"] == "other-service"
    assert not any(p["artifact_match"] for p in facts["publications"])
    assert facts["authority"]["current"] == "none"


def test_text_report_has_path_line_on_facts(seed_repo: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(seed_repo)]) == 0
    out = capsys.readouterr().out
    assert "Authority   dockerfile-image" in out
    assert ".github/workflows/release.yml:40" in out
    assert "flake.nix:32 packages.runner-dashboard-image (image: n2c.buildImage)" in out


def test_not_a_git_repository_is_one_clear_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"release-gate: {tmp_path} is not inside a git repository\n"


@pytest.mark.parametrize("command", ["scan", "gates", "check"])
def test_headless_commands_never_import_textual_or_rich(seed_repo: Path, command: str) -> None:
    code = (
        "import sys; from wizard.cli import main; "
        f"rc = main([{command!r}, {str(seed_repo)!r}]); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "print(rc, bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []"
