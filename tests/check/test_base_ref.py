"""With --base-ref, a pull request cannot move, drop or reinterpret what governs the check."""

from __future__ import annotations

import pytest

from tests.check.test_check import NIX_WORKFLOW, decide_and_commit, run
from tests.gates.variants import NIX_RELEASE_WORKFLOW
from tests.record.conftest import RECORDS, SignedRepo, git
from wizard.sample import SEED_FILES

DOCKERFILE_WORKFLOWS = (".github/workflows/build-image.yml", ".github/workflows/release.yml")


def switch_to_nix(repo: SignedRepo, extra: dict[str, str | None] | None = None) -> None:
    files: dict[str, str | None] = {path: None for path in DOCKERFILE_WORKFLOWS}
    files[NIX_WORKFLOW] = NIX_RELEASE_WORKFLOW
    files.update(extra or {})
    git(repo.path, "checkout", "-q", "-b", "pull-request")
    repo.commit(files, "publish the Nix image instead")


def test_switching_authority_without_a_record_fails_against_the_base(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    switch_to_nix(signed_repo)
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, "without a base a single authority looks fine"
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert ("the release authority of runner-dashboard changed from dockerfile-image (on main) "
            "to nix-image and no valid decision record authorises it") in out


def test_editing_a_records_front_matter_does_not_hide_it(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    markdown = f"{RECORDS}/0001-keep-dockerfile-image.md"
    text = (signed_repo.path / markdown).read_text()
    switch_to_nix(signed_repo, {markdown: text.replace("artifact: runner-dashboard",
                                                       "artifact: something-else")})
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert f"{markdown} is a decision record on main and was modified" in out
    assert "RA-0001 is invalid: subject" in out


def test_moving_the_records_directory_in_the_change_is_ignored(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    switch_to_nix(signed_repo, {".release-gate.yaml": SEED_FILES[".release-gate.yaml"]
                                + "records:\n  dir: docs/adr\n"})
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert "which RA-0001 does not authorise (it authorises dockerfile-image)" in out


def test_deleting_the_records_fails(signed_repo: SignedRepo,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    base = f"{RECORDS}/0001-keep-dockerfile-image"
    switch_to_nix(signed_repo, {f"{base}.md": None, f"{base}.intoto.json": None})
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert f"{base}.md is a decision record on main and was removed" in out


def test_renaming_the_artifact_in_the_change_does_not_escape_the_check(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    switch_to_nix(signed_repo, {".release-gate.yaml": SEED_FILES[".release-gate.yaml"]
                                + "artifact: something-else\n"})
    code, out = run(capsys, "check", str(signed_repo.path), "--base-ref", "main")
    assert code == 1
    assert "release-gate check FAILED for runner-dashboard" in out


def test_new_unscanned_publication_of_the_authorised_surface_fails(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    hotfix = (
        "on:\n  workflow_dispatch:\njobs:\n  hotfix:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -t ghcr.io/tinyland-inc/runner-dashboard:latest -f "
        "app/Dockerfile app\n"
        "      - run: docker push ghcr.io/tinyland-inc/runner-dashboard:latest\n"
    )
    signed_repo.commit({".github/workflows/hotfix.yml": hotfix}, "a quick hotfix path")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 1
    assert (".github/workflows/hotfix.yml (hotfix) publishes runner-dashboard without trivy "
            "vulnerability scanning, which every publication RA-0001 authorised had") in out
    assert "without cosign signing" in out


def test_inputs_the_scan_could_not_read_are_warnings_and_strict_fails(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    signed_repo.commit({".github/workflows/broken.yml": "jobs: [unclosed\n"}, "broken")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0
    assert "warning: .github/workflows/broken.yml:2: scan problem (a publication here could be missed)" in out
    code, _ = run(capsys, "check", str(signed_repo.path), "--strict")
    assert code == 1


def test_other_adrs_sharing_the_directory_are_not_records(
    signed_repo: SignedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    decide_and_commit(signed_repo, "dockerfile-image", "keep")
    signed_repo.commit({f"{RECORDS}/0002-use-postgres.md": "# Use Postgres\n\nAccepted.\n"},
                       "an unrelated ADR")
    code, out = run(capsys, "check", str(signed_repo.path))
    assert code == 0, out
    assert main_record_numbering(signed_repo) == "0003"


def main_record_numbering(repo: SignedRepo) -> str:
    from wizard.record.store import next_number

    return f"{next_number(repo.records):04d}"
