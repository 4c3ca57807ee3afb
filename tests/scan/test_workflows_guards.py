"""What guards a publication: scanners and whether they block, signing, provenance, id-token."""

from __future__ import annotations

import pytest

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, single, workflow
from wizard.facts import Problem, Provenance, Publication, Signing, VulnScan

WF = ".github/workflows/release.yml"
PUSH = """      - uses: docker/build-push-action@v6
        id: build
        with:
          push: true
          tags: ghcr.io/acme/api:1
"""


def _publication(
    make_repo: RepoFactory, steps: str, extra_jobs: str = "", top: str = ""
) -> Publication:
    """The one publication of a workflow whose job `publish` pushes at lines 7-11, then `steps`."""
    job = "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
    repo = make_repo({WF: workflow(f"{top}{job}{PUSH}{steps}{extra_jobs}")})
    result, problems = scan(repo)
    assert problems == []
    return single(result)


def test_trivy_action_blocks_only_with_a_non_zero_exit_code(make_repo: RepoFactory) -> None:
    without = _publication(make_repo, "      - uses: aquasecurity/trivy-action@0.28.0\n")
    assert without.vuln_scan == VulnScan("trivy", 12, False, WF)
    zero = _publication(
        make_repo,
        "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n          exit-code: '0'\n",
    )
    assert zero.vuln_scan == VulnScan("trivy", 12, False, WF)
    blocking = _publication(
        make_repo,
        "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n          exit-code: 1\n",
    )
    assert blocking.vuln_scan == VulnScan("trivy", 12, True, WF)


def test_continue_on_error_and_or_true_make_a_scanner_non_blocking(
    make_repo: RepoFactory,
) -> None:
    step = _publication(
        make_repo,
        "      - uses: aquasecurity/trivy-action@0.28.0\n        continue-on-error: true\n"
        "        with:\n          exit-code: 1\n",
    )
    assert step.vuln_scan == VulnScan("trivy", 12, False, WF)
    cli = _publication(
        make_repo,
        "      - run: trivy image --exit-code 1 ghcr.io/acme/api:1 || true\n",
    )
    assert cli.vuln_scan == VulnScan("trivy", 12, False, WF)
    colon = _publication(make_repo, "      - run: 'grype ghcr.io/acme/api:1 --fail-on high || :'\n")
    assert colon.vuln_scan == VulnScan("grype", 12, False, WF)


def test_blocking_scanner_preferred_over_an_earlier_advisory_one(make_repo: RepoFactory) -> None:
    publication = _publication(
        make_repo,
        "      - uses: anchore/scan-action@v4\n        with:\n          fail-build: false\n"
        "      - run: |\n          snyk container test ghcr.io/acme/api:1\n",
    )
    assert publication.vuln_scan == VulnScan("snyk", 16, True, WF)


def test_anchore_blocks_by_default_and_a_job_continue_on_error_undoes_it(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                f"""jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
{PUSH}  scan:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - uses: anchore/scan-action@v4
  advisory:
    needs: [publish]
    continue-on-error: true
    runs-on: ubuntu-latest
    steps:
      - uses: snyk/actions/docker@master
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert publication.vuln_scan == VulnScan("grype", 16, True, WF)


def test_scanner_in_an_unlinked_job_does_not_count(make_repo: RepoFactory) -> None:
    publication = _publication(
        make_repo,
        "",
        "  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n          exit-code: 1\n",
    )
    assert publication.vuln_scan is None


def test_signing_by_tag_is_not_by_digest(make_repo: RepoFactory) -> None:
    publication = _publication(make_repo, "      - run: cosign sign --yes ghcr.io/acme/api:1\n")
    assert publication.signing == Signing("cosign", "keyless", False, 12, WF)


def test_signing_by_digest_expression_sha256_and_env_variable(make_repo: RepoFactory) -> None:
    expression = _publication(
        make_repo,
        "      - run: cosign sign -y ghcr.io/acme/api@${{ steps.build.outputs.digest }}\n",
    )
    assert expression.signing == Signing("cosign", "keyless", True, 12, WF)
    pinned = _publication(
        make_repo,
        "      - run: cosign sign --key env://KEY ghcr.io/acme/api@sha256:" + "a" * 64 + "\n",
    )
    assert pinned.signing == Signing("cosign", "key", True, 12, WF)
    via_env = _publication(
        make_repo,
        "      - env:\n          DIGEST: ${{ steps.build.outputs.digest }}\n"
        "          COSIGN_PRIVATE_KEY: ${{ secrets.KEY }}\n"
        '        run: cosign sign --yes "ghcr.io/acme/api@${DIGEST}"\n',
    )
    assert via_env.signing == Signing("cosign", "key", True, 15, WF)


def test_digest_exported_through_github_env_and_assigned_in_script(make_repo: RepoFactory) -> None:
    exported = _publication(
        make_repo,
        '      - run: echo "IMAGE_DIGEST=${{ steps.build.outputs.digest }}" >> "$GITHUB_ENV"\n'
        "      - run: cosign sign --yes ghcr.io/acme/api@$IMAGE_DIGEST\n",
    )
    assert exported.signing == Signing("cosign", "keyless", True, 13, WF)
    assigned = _publication(
        make_repo,
        "      - run: |\n          REF=ghcr.io/acme/api@${{ steps.build.outputs.digest }}\n"
        "          cosign sign --yes $REF\n",
    )
    assert assigned.signing == Signing("cosign", "keyless", True, 14, WF)
    computed = _publication(
        make_repo,
        "      - run: |\n          DIGEST=$(crane digest ghcr.io/acme/api:1)\n"
        "          cosign sign --yes ghcr.io/acme/api@$DIGEST\n",
    )
    assert computed.signing == Signing("cosign", "keyless", False, 14, WF)


def test_cosign_installer_alone_is_not_signing(make_repo: RepoFactory) -> None:
    publication = _publication(make_repo, "      - uses: sigstore/cosign-installer@v3\n")
    assert publication.signing is None


def test_notation_signs_with_a_key(make_repo: RepoFactory) -> None:
    publication = _publication(
        make_repo,
        "      - run: notation sign --key release ghcr.io/acme/api@sha256:" + "b" * 64 + "\n",
    )
    assert publication.signing == Signing("notation", "key", True, 12, WF)


def test_strongest_provenance_is_kept(make_repo: RepoFactory) -> None:
    publication = _publication(
        make_repo,
        "      - uses: anchore/sbom-action@v0\n"
        "      - uses: actions/attest-build-provenance@v2\n"
        "        with:\n          subject-name: ghcr.io/acme/api\n",
    )
    assert publication.provenance == Provenance("attest-build-provenance", 13, WF)
    sbom = _publication(make_repo, "      - run: syft ghcr.io/acme/api:1 -o spdx-json\n")
    assert sbom.provenance == Provenance("sbom", 12, WF)


def test_slsa_generator_job_needing_the_publisher(make_repo: RepoFactory) -> None:
    publication = _publication(
        make_repo,
        "",
        "  provenance:\n    needs: [publish]\n"
        "    uses: slsa-framework/slsa-github-generator/.github/workflows/"
        "generator_container_slsa3.yml@v2.0.0\n",
    )
    assert publication.provenance == Provenance("slsa-generator", 14, WF)


def test_job_permissions_replace_the_workflow_permissions(make_repo: RepoFactory) -> None:
    top = "permissions:\n  id-token: write\n"
    inherited = _publication(make_repo, "", top=top)
    assert inherited.id_token_write is True
    repo = make_repo(
        {
            WF: workflow(
                f"""permissions:
  id-token: write
  packages: write
jobs:
  publish:
    permissions:
      packages: write
    runs-on: ubuntu-latest
    steps:
{PUSH}  empty:
    permissions: {{}}
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/b:1
  all:
    permissions: write-all
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/c:1
  read:
    permissions: read-all
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/d:1
"""
            )
        }
    )
    grants = [(p.job, p.id_token_write) for p in scan(repo)[0].publications]
    assert grants == [("publish", False), ("empty", False), ("all", True), ("read", False)]


def test_needs_walk_over_the_limit_is_a_problem(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wizard.scan.linking.MAX_NEEDS_WALK", 3)
    chain = "".join(
        f"  j{i}:\n    needs: j{i - 1}\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: docker push ghcr.io/acme/j{i}:1\n"
        for i in range(1, 6)
    )
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n  j0:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: trivy image --exit-code 1 ghcr.io/acme/j1:1\n" + chain
            )
        }
    )
    result, problems = scan(repo)
    assert [p.vuln_scan is not None for p in result.publications] == [
        True, False, False, False, False,
    ]
    assert problems == [
        Problem(
            WF, None,
            "`needs:` links more jobs than the 3 steps walked; scanners, signatures and "
            "attestations in other jobs may be missing from its publications",
        )
    ]


def test_an_exit_code_in_non_ascii_digits_is_not_a_number(make_repo: RepoFactory) -> None:
    # `"²".isdigit()` is true but `int("²")` raises: such a code is no exit code at all.
    action = _publication(
        make_repo,
        "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n          exit-code: \"²\"\n",
    )
    assert action.vuln_scan == VulnScan("trivy", 12, False, WF)
    cli = _publication(make_repo, "      - run: trivy image --exit-code ² ghcr.io/acme/api:1\n")
    assert cli.vuln_scan == VulnScan("trivy", 12, False, WF)


@pytest.mark.parametrize(
    ("script", "blocking"),
    [
        ('trivy image --exit-code 1 ghcr.io/acme/api:1 || echo "::warning::vulnerable"', False),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 || exit 0", False),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 || exit 1", True),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 || exit", True),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 || false", True),
        ('trivy image --exit-code 1 ghcr.io/acme/api:1 || { echo "::error::x"; exit 2; }', True),
        ('trivy image --exit-code 1 ghcr.io/acme/api:1 || (echo "::error::x" && exit 3)', True),
        ('trivy image --exit-code 1 ghcr.io/acme/api:1 || { echo "::error::x"; exit; }', False),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 || echo retry || exit 1", False),
        ("trivy image --exit-code 1 ghcr.io/acme/api:1 && echo clean || exit 1", True),
    ],
)
def test_or_makes_a_scanner_non_blocking_unless_its_right_side_fails(
    make_repo: RepoFactory, script: str, blocking: bool
) -> None:
    publication = _publication(make_repo, f"      - run: '{script}'\n")
    assert publication.vuln_scan == VulnScan("trivy", 12, blocking, WF)


def test_trivy_of_files_repositories_and_configuration_is_not_an_image_scan(
    make_repo: RepoFactory,
) -> None:
    for command in ("fs", "filesystem", "rootfs", "repo", "repository", "config"):
        cli = _publication(make_repo, f"      - run: trivy {command} --exit-code 1 .\n")
        assert (cli.vuln_scan, cli.provenance) == (None, None), command
    for scan_type in ("fs", "repo", "rootfs", "config"):
        action = _publication(
            make_repo,
            "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n"
            f"          scan-type: {scan_type}\n          exit-code: 1\n",
        )
        assert (action.vuln_scan, action.provenance) == (None, None), scan_type


def test_trivy_writing_an_sbom_is_sbom_provenance_not_a_scan(make_repo: RepoFactory) -> None:
    for output in ("cyclonedx", "spdx", "spdx-json", "github"):
        action = _publication(
            make_repo,
            "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n"
            f"          image-ref: ghcr.io/acme/api:1\n          format: {output}\n",
        )
        assert action.vuln_scan is None, output
        assert action.provenance == Provenance("sbom", 12, WF), output
        cli = _publication(
            make_repo, f"      - run: trivy image --format {output} ghcr.io/acme/api:1\n"
        )
        assert (cli.vuln_scan, cli.provenance) == (None, Provenance("sbom", 12, WF)), output
    table = _publication(
        make_repo,
        "      - uses: aquasecurity/trivy-action@0.28.0\n        with:\n"
        "          scan-type: image\n          format: sarif\n          exit-code: 1\n",
    )
    assert (table.vuln_scan, table.provenance) == (VulnScan("trivy", 12, True, WF), None)
