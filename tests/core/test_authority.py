from __future__ import annotations

from wizard.authority import infer_authority
from wizard.facts import BuildSource, Publication


def pub(source: str, kind: str = "image", triggers: list[str] | None = None,
        match: bool = True) -> Publication:
    return Publication(
        kind=kind, workflow="w.yml", job="j", line=7, image="ghcr.io/o/app",  # type: ignore[arg-type]
        registry="ghcr.io", artifact_match=match, build_source=BuildSource(source, None),  # type: ignore[arg-type]
        triggers=triggers or ["push:tags=v*"], tags=[], push=True, buildx=False,
        vuln_scan=None, signing=None, provenance=None, via=None,
    )


def test_single_and_dual_authorities() -> None:
    assert infer_authority([pub("dockerfile")]).current == "dockerfile-image"
    assert infer_authority([pub("nix")]).current == "nix-image"
    assert infer_authority([pub("nix", kind="flakehub")]).current == "nix-derivation"
    dual = infer_authority([pub("dockerfile"), pub("nix")])
    assert dual.current == "dual" and dual.reason == "published as Dockerfile image and Nix image"
    assert infer_authority([]).current == "none"


def test_pull_request_only_cache_and_other_artifacts_are_not_release_surfaces() -> None:
    assert infer_authority([pub("dockerfile", triggers=["pull_request"])]).current == "none"
    assert infer_authority([pub("nix", kind="nix-cache")]).current == "none"
    assert infer_authority([pub("dockerfile", match=False)]).current == "none"


def test_unknown_build_source_is_said_not_hidden() -> None:
    facts = infer_authority([pub("other")])
    assert facts.current == "dockerfile-image"
    assert "the build source of w.yml:7 could not be told" in facts.reason
