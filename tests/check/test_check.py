"""`release-gate check` on real git histories: what CI sees on each push."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gates.variants import NIX_RELEASE_WORKFLOW, without_cosign
from tests.record.conftest import SignedRepo, allowed_line, answers_yaml, git
from tests.signing.keys import make_ssh_key
from wizard.cli import main
from wizard.sample import SEED_FILES

NIX_WORKFLOW = ".github/workflows/nix-release.yml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def decide_and_commit(repo: SignedRepo, candidate: str, decision: str,
                      answers: Path | None = None) -> None:
    assert main(["decide", str(repo.path), "--candidate", candidate, "--decision", decision,
                 "--answers", str(answers or repo.answers), "--sign", "--commit"]) == 0


def nix_line() -> int:
    return next(i for i, line in enumerate(NIX_RELEASE_WORKFLOW.splitlines(), 1)
                if "nix run .#runner-dashboard-image.copyTo" in line)


def test_no_record_and_a_single_authority_passes(signed_repo: SignedRepo,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0
    assert "no decision record; runner-dashboard has a single release authority" in out


def test_no_record_and_a_second_surface_fails(signed_repo: SignedRepo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    signed_repo.commit({NIX_WORKFLOW: NIX_RELEASE_WORKFLOW}, "publish the Nix image too")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 1
    assert f"error: {NIX_WORKFLOW}:{nix_line()}:" in out
    assert "2 surfaces (dockerfile-image, nix-image)" in out


def test_keep_record_then_nix_publication_then_dual_change_record(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "nix-image", "keep")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, out
    assert "record docs/decisions/release-authority/0001-keep-nix-image.intoto.json" in out

    signed_repo.commit({NIX_WORKFLOW: NIX_RELEASE_WORKFLOW}, "publish the Nix image too")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 1
    assert (f"error: {NIX_WORKFLOW}:{nix_line()}: {NIX_WORKFLOW} publishes runner-dashboard as "
            "nix-image") in out
    assert "which RA-0001 does not authorise (it authorises dockerfile-image)" in out

    signed_repo.commit({".release-gate.yaml": SEED_FILES[".release-gate.yaml"]
                        + "authority:\n  canonical: dockerfile-image\n"}, "declare the canonical")
    decide_and_commit(signed_repo, "dual", "change")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, out
    assert "0002-change-to-dual.intoto.json" in out


def test_removing_cosign_from_the_authorised_path_is_a_security_regression(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    path = ".github/workflows/release.yml"
    signed_repo.commit({path: without_cosign(path)}, "drop signing")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 1
    assert ("security regression since RA-0001: .github/workflows/release.yml (publish) lost "
            "cosign signing") in out


def test_a_pull_request_cannot_add_its_own_signer(signed_repo: SignedRepo, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    decide_and_commit(signed_repo, "nix-image", "keep")
    git(signed_repo.path, "checkout", "-q", "-b", "pull-request")
    mallory = make_ssh_key(tmp_path / "mallory", "mallory")
    signers = (signed_repo.path / ".github/allowed_signers").read_text()
    signed_repo.commit({
        ".github/allowed_signers": signers + allowed_line("mallory@example.org", mallory) + "\n",
        NIX_WORKFLOW: NIX_RELEASE_WORKFLOW,
    }, "publish the Nix image and trust my key")
    git(signed_repo.path, "config", "user.email", "mallory@example.org")
    git(signed_repo.path, "config", "user.signingkey", str(mallory.private))
    answers = tmp_path / "mallory.yaml"
    answers.write_text(answers_yaml(signer=("Mallory", "mallory@example.org")))
    decide_and_commit(signed_repo, "dual", "keep", answers)

    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, "without --base-ref the PR's own signer list is trusted"
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert "RA-0002 is invalid: signature" in out and "(signers from main)" in out
    assert f"{NIX_WORKFLOW}:{nix_line()}" in out and "which RA-0001 does not authorise" in out


def test_tampered_only_record_fails(signed_repo: SignedRepo,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    decide_and_commit(signed_repo, "nix-image", "keep")
    markdown = signed_repo.records / "0001-keep-nix-image.md"
    signed_repo.commit({str(markdown.relative_to(signed_repo.path)):
                        markdown.read_text().replace("decision: keep", "decision: change")},
                       "edit the record")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 1
    assert "RA-0001 is invalid: subject: 0001-keep-nix-image.md does not match" in out


def test_evidence_drift_warns_and_strict_fails(signed_repo: SignedRepo,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    decide_and_commit(signed_repo, "nix-image", "keep")
    release = ".github/workflows/release.yml"
    signed_repo.commit({release: SEED_FILES[release].replace("docker/build-push-action@v6",
                                                             "docker/build-push-action@v5")},
                       "older build action")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, out
    assert f"warning: {release}:40: evidence of RA-0001: {release}:40 changed at HEAD" in out
    code, _ = run(capsys, "check", str(signed_repo.path), "--strict")
    assert code == 1


def test_github_format_annotates_the_line(signed_repo: SignedRepo,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    signed_repo.commit({NIX_WORKFLOW: NIX_RELEASE_WORKFLOW}, "publish the Nix image too")
    code, out = run(capsys, "check", str(signed_repo.path), "--format", "github")
    assert code == 1
    assert out.startswith(f"::error file={NIX_WORKFLOW},line={nix_line()}::runner-dashboard is "
                          "published through 2 surfaces")


def test_json_output(signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code, out = run(capsys, "check", str(signed_repo.path), "--json")
    data = json.loads(out)
    assert code == 0 and data["passed"] is True and data["authority"] == "dockerfile-image"
    assert data["findings"][0]["level"] == "notice"
