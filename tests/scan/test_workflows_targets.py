"""A scan, signature or attestation counts for the publications it names: the image it names
(once statically known), or the pushing step whose digest it uses; only when what it names is
unknown does it count for every publication of the jobs linked with it."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.facts import Provenance, Publication, Signing, VulnScan
from wizard.scan.targets import canonical_image, source_reference

WF = ".github/workflows/release.yml"
TWO_PUSHES = """jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - id: app
        uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:1
      - id: worker
        uses: docker/build-push-action@v6
        with:
          context: worker
          push: true
          tags: ghcr.io/acme/worker:1
"""


def _by_image(make_repo: RepoFactory, text: str) -> dict[str, Publication]:
    result, problems = scan(make_repo({WF: workflow(text)}))
    assert problems == []
    return {p.image or "": p for p in result.publications}


def test_guards_naming_one_image_count_for_that_image_only(make_repo: RepoFactory) -> None:
    found = _by_image(
        make_repo,
        TWO_PUSHES
        + """      - uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: ghcr.io/acme/worker@${{ steps.worker.outputs.digest }}
          exit-code: 1
      - run: cosign sign --yes ghcr.io/acme/worker@${{ steps.worker.outputs.digest }}
      - uses: actions/attest-build-provenance@v2
        with:
          subject-name: ghcr.io/acme/worker
          subject-digest: ${{ steps.worker.outputs.digest }}
""",
    )
    app, worker = found["ghcr.io/acme/app"], found["ghcr.io/acme/worker"]
    assert (app.vuln_scan, app.signing, app.provenance) == (None, None, None)
    assert worker.vuln_scan == VulnScan("trivy", 18, True, WF)
    assert worker.signing == Signing("cosign", "keyless", True, 22, WF)
    assert worker.provenance == Provenance("attest-build-provenance", 23, WF)


def test_a_digest_of_the_pushing_step_names_it_when_the_image_is_not_known(
    make_repo: RepoFactory,
) -> None:
    found = _by_image(
        make_repo,
        TWO_PUSHES
        + """      - run: |
          IMAGE=$(cat image.txt)
          cosign sign --yes "$IMAGE@${{ steps.worker.outputs.digest }}"
          grype "$IMAGE@${{ steps.app.outputs.digest }}" --fail-on high
""",
    )
    app, worker = found["ghcr.io/acme/app"], found["ghcr.io/acme/worker"]
    assert (app.signing, app.vuln_scan) == (None, VulnScan("grype", 21, True, WF))
    assert (worker.signing, worker.vuln_scan) == (Signing("cosign", "keyless", True, 20, WF), None)


def test_guards_naming_what_is_unknown_count_for_every_linked_publication(
    make_repo: RepoFactory,
) -> None:
    found = _by_image(
        make_repo,
        TWO_PUSHES
        + """      - id: digest
        run: echo "value=$(crane digest ghcr.io/acme/app:1)" >> "$GITHUB_OUTPUT"
      - run: |
          cosign sign --yes "$(cat ref.txt)"
          trivy image --exit-code 1 "$(cat image.txt)@${{ steps.digest.outputs.value }}"
      - uses: actions/attest-build-provenance@v2
        with:
          subject-path: dist/*
""",
    )
    for publication in found.values():
        assert publication.signing == Signing("cosign", "keyless", False, 21, WF)
        assert publication.vuln_scan == VulnScan("trivy", 22, True, WF)
        assert publication.provenance == Provenance("attest-build-provenance", 23, WF)


def test_guards_in_linked_jobs_and_names_as_registries_compare_them(
    make_repo: RepoFactory,
) -> None:
    found = _by_image(
        make_repo,
        """jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker push acme/api:1
          docker push ghcr.io/Acme/Tool:1
          docker push ghcr.io/acme/other:1
  guard:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - run: |
          trivy image --exit-code 1 docker.io/acme/api:1
          cosign sign --yes ghcr.io/acme/tool@${{ needs.publish.outputs.digest }}
          cosign sign --yes index.docker.io/acme/api:1
""",
    )
    api, tool, other = found["acme/api"], found["ghcr.io/Acme/Tool"], found["ghcr.io/acme/other"]
    assert api.vuln_scan == VulnScan("trivy", 16, True, WF)
    assert api.signing == Signing("cosign", "keyless", False, 18, WF)
    assert (tool.vuln_scan, tool.signing) == (None, Signing("cosign", "keyless", True, 17, WF))
    assert (other.vuln_scan, other.signing) == (None, None)


def test_a_guard_naming_an_image_counts_for_a_push_whose_image_is_not_known(
    make_repo: RepoFactory,
) -> None:
    # nix2container names the image in the flake: the push names none, nothing tells it apart.
    result, _ = scan(
        make_repo(
            {
                WF: workflow(
                    """jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: |
          nix run .#image.copyToRegistry
          docker push ghcr.io/acme/other:1
          cosign sign --yes ghcr.io/acme/app@sha256:"""
                    + "a" * 64
                    + "\n"
                )
            }
        )
    )
    signed = [(p.image, p.signing) for p in result.publications]
    assert signed == [
        (None, Signing("cosign", "keyless", True, 10, WF)),
        ("ghcr.io/acme/other", None),
    ]


def test_canonical_image_names_and_scanner_sources() -> None:
    names = ["alpine", "Acme/API", "index.docker.io/acme/api", "ghcr.io/Acme/App", "localhost:5000/x"]
    assert [canonical_image(n) for n in names] == [
        "docker.io/library/alpine", "docker.io/acme/api", "docker.io/acme/api", "ghcr.io/acme/app",
        "localhost:5000/x",
    ]
    sources = ["registry:ghcr.io/a/b:1", "docker:a/b", "ghcr.io/a/b:1", "alpine:3", "dir:.",
               "docker-archive:x.tar", "sbom:s.json"]
    assert [source_reference(s) for s in sources] == [
        "ghcr.io/a/b:1", "a/b", "ghcr.io/a/b:1", "alpine:3", None, None, None,
    ]
