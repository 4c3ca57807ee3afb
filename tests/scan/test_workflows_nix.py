"""Nix publication surfaces: Nix-built images, FlakeHub, binary caches, and validation builds."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, single, workflow
from wizard.facts import BuildSource

WF = ".github/workflows/nix-image.yml"


def test_copy_to_registry_publishes_the_nix_image_by_tag(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: nix build .#runner-dashboard
      - run: nix run .#runner-dashboard-image.copyToRegistry
      - run: nix run '.#packages.x86_64-linux.api-image.copyToRegistry' -- --digestfile d
      - run: nix run .#api-image.copyTo -- docker://ghcr.io/acme/api:1
      - run: nix run .#runner-dashboard-image.copyToDockerDaemon
""",
                on="on:\n  push:\n    tags: ['v*']\n",
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [
        (p.line, p.kind, p.image, p.registry, p.build_source, p.digest_output, p.triggers)
        for p in result.publications
    ]
    tags = ["push:tags=v*"]
    assert found == [
        (10, "image", None, None, BuildSource("nix", ".#runner-dashboard-image"), False, tags),
        (11, "image", None, None, BuildSource("nix", ".#api-image"), True, tags),
        (12, "image", "ghcr.io/acme/api", "ghcr.io", BuildSource("nix", ".#api-image"), False,
         tags),
    ]
    builds = [(b.attr, b.line) for b in result.nix_builds]
    assert builds == [("runner-dashboard", 9)]


def test_docker_load_of_a_nix_result_then_push(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: nix build .#runner-dashboard-image --out-link image
      - run: |
          docker load < image
          docker tag runner-dashboard:latest ghcr.io/acme/runner-dashboard:${{ github.sha }}
          docker push ghcr.io/acme/runner-dashboard:${{ github.sha }}
  streamed:
    runs-on: ubuntu-latest
    steps:
      - run: |
          nix build .#stream
          ./result | docker load
          docker push ghcr.io/acme/stream:1
  input:
    runs-on: ubuntu-latest
    steps:
      - run: |
          nix build .#other
          docker load -i result
          docker push ghcr.io/acme/other:1
"""
            )
        }
    )
    result, _ = scan(repo)
    found = [(p.job, p.line, p.image, p.build_source.ref) for p in result.publications]
    assert found == [
        ("image", 11, "ghcr.io/acme/runner-dashboard", ".#runner-dashboard-image"),
        ("streamed", 18, "ghcr.io/acme/stream", ".#stream"),
        ("input", 25, "ghcr.io/acme/other", ".#other"),
    ]
    assert result.nix_builds == []


def test_flakehub_push_publishes_the_flake(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  flakehub:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - run: nix build .#runner-dashboard
      - uses: DeterminateSystems/flakehub-push@main
        with:
          name: tinyland-inc/runner-dashboard
          visibility: public
          tag: ${{ inputs.tag }}
  unnamed:
    runs-on: ubuntu-latest
    steps:
      - uses: DeterminateSystems/flakehub-push@v5
        with:
          rolling: true
""",
                on="on:\n  release:\n    types: [published]\n",
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    named, unnamed = result.publications
    assert (named.kind, named.line, named.image, named.registry) == (
        "flakehub", 13, "tinyland-inc/runner-dashboard", "flakehub.com",
    )
    assert named.build_source == BuildSource("nix", ".")
    assert named.tags == ["${{ inputs.tag }}"]
    assert named.triggers == ["release:published"]
    assert named.id_token_write is True
    assert unnamed.image == "${{ github.repository }}"
    assert unnamed.id_token_write is False
    # Publishing the whole flake publishes what the workflow builds too.
    assert result.nix_builds == []


def test_cachix_action_pushes_only_with_credentials(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  reader:
    runs-on: ubuntu-latest
    steps:
      - uses: cachix/cachix-action@v15
        with:
          name: acme
      - run: nix build .#runner-dashboard
  writer:
    runs-on: ubuntu-latest
    steps:
      - run: nix build .#before
      - uses: cachix/cachix-action@v15
        with:
          name: acme
          authToken: ${{ secrets.CACHIX_AUTH_TOKEN }}
      - run: nix build .#runner-dashboard .#runner-dashboard-image
  skipped:
    runs-on: ubuntu-latest
    steps:
      - uses: cachix/cachix-action@v15
        with:
          name: acme
          signingkey: ${{ secrets.CACHIX_SIGNING_KEY }}
          SKIPPUSH: true
      - run: nix build .#skipped
"""
            )
        }
    )
    result, _ = scan(repo)
    found = [
        (p.kind, p.job, p.line, p.image, p.registry, p.build_source) for p in result.publications
    ]
    assert found == [
        ("nix-cache", "writer", 15, "acme", "cachix.org", BuildSource("nix", ".#runner-dashboard")),
        ("nix-cache", "writer", 15, "acme", "cachix.org",
         BuildSource("nix", ".#runner-dashboard-image")),
    ]
    # `runner-dashboard` is pushed to the cache by this workflow, so no job's build of it is
    # validation output; what the writer built before its cache step was not pushed.
    validation = [(b.job, b.attr) for b in result.nix_builds]
    assert validation == [("writer", "before"), ("skipped", "skipped")]


def test_cli_cache_pushes_cachix_attic_and_nix_copy(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """env:
  CACHE_URL: s3://nix-cache?region=eu-west-1
jobs:
  caches:
    runs-on: ubuntu-latest
    steps:
      - run: |
          nix build .#api -o api-out
          cachix push acme ./api-out
          attic push prod:main result-none
          nix copy --to "$CACHE_URL" .#tool
          nix copy --to https://cache.example.org ./api-out
          cachix watch-exec acme -- nix build .#watched
"""
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [
        (p.line, p.image, p.image_resolved, p.registry, p.build_source.ref)
        for p in result.publications
    ]
    assert found == [
        (11, "acme", None, "cachix.org", ".#api"),
        (12, "prod:main", None, "attic", ".#api"),
        (13, "$CACHE_URL", "s3://nix-cache?region=eu-west-1", "nix-cache", ".#tool"),
        (14, "https://cache.example.org", None, "cache.example.org", ".#api"),
        (15, "acme", None, "cachix.org", ".#watched"),
    ]
    assert result.nix_builds == []


def test_nix_build_without_installable_is_the_default_package(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: nix build -L
      - run: nix build github:NixOS/nixpkgs#hello .#"quoted-name"
"""
            )
        }
    )
    result, _ = scan(repo)
    assert [(b.attr, b.line) for b in result.nix_builds] == [
        ("default", 7),
        ("quoted-name", 8),
    ]


def test_cache_push_without_known_build_is_other(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: cachix push acme /nix/store/abc-thing
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert publication.build_source == BuildSource("other", None)
