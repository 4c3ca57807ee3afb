"""Which publications belong to the artifact under review."""

from __future__ import annotations

from wizard.config import Config
from wizard.facts import BuildSource, FlakeFacts, FlakePackage, Publication
from wizard.scan.artifact import artifact_surfaces, belongs_to_artifact, choose_artifact
from wizard.scan.expressions import flake_attr, image_name


def pub(image: str | None, resolved: str | None = None, ref: str | None = None,
        kind: str = "dockerfile") -> Publication:
    return Publication(
        kind="image", workflow=".github/workflows/x.yml", job="j", line=1, image=image,
        registry=None, artifact_match=False, build_source=BuildSource(kind, ref),  # type: ignore[arg-type]
        triggers=["push:tags=v*"], tags=[], push=True, buildx=False, vuln_scan=None,
        signing=None, provenance=None, via=None, image_resolved=resolved,
    )


def test_image_name_strips_tag_and_digest_but_not_registry_port() -> None:
    assert image_name("ghcr.io/o/app:1.2") == "ghcr.io/o/app"
    assert image_name("localhost:5000/app@sha256:" + "a" * 64) == "localhost:5000/app"
    assert image_name("ghcr.io/${{ github.repository }}") is None


def test_flake_attr_forms() -> None:
    assert flake_attr(".#runner-dashboard-image") == "runner-dashboard-image"
    assert flake_attr(".#packages.x86_64-linux.img") == "img"
    assert flake_attr(".#") == "default"
    assert flake_attr(".") is None
    assert flake_attr("https://example.org/x.git#main") is None


def test_configured_image_with_an_expression_does_not_match_every_unresolved_image() -> None:
    config = Config(artifact="myapp", images=["ghcr.io/${{ github.repository }}"])
    surfaces = artifact_surfaces("myapp", config, FlakeFacts(path=None))
    surfaces.images = config.images
    mine = pub("ghcr.io/${{ github.repository }}")
    other = pub("ghcr.io/${{ github.repository_owner }}/unrelated-tool")
    assert belongs_to_artifact(mine, surfaces, []) is True
    assert belongs_to_artifact(other, surfaces, []) is False


def test_artifact_is_inferred_or_ambiguous() -> None:
    flake = FlakeFacts(path="flake.nix", packages=[FlakePackage("api", 3, None)])
    one = choose_artifact(Config(), None, [pub("ghcr.io/o/api"), pub("ghcr.io/o/web")], flake)
    assert one.name == "api" and "inferred from the image published at" in one.source
    tie = choose_artifact(Config(), None, [pub("ghcr.io/o/a"), pub("ghcr.io/o/b")],
                          FlakeFacts(path=None))
    assert tie.name is None and tie.problem is not None and "(a, b)" in tie.problem
    assert choose_artifact(Config(artifact="x"), "y", [], flake).name == "y"
