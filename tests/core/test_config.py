from __future__ import annotations

import pytest

from wizard.config import ConfigError, load_config_text


def test_defaults_when_empty() -> None:
    config = load_config_text("")
    assert config.artifact is None
    assert config.workflows_dir == ".github/workflows"
    assert config.records_dir == "docs/decisions/release-authority"
    assert config.threshold == 1


def test_full_configuration() -> None:
    config = load_config_text(
        "artifact:\n  name: api\n  images: [ghcr.io/acme/api]\n  flake_packages: api-image\n"
        "paths:\n  stacks: [infra/stacks]\n  docs: docs\n"
        "docs:\n  release: docs/RELEASING.md\n"
        "authority:\n  canonical: nix-image\n"
        "ownership:\n  planning: '#12'\n  operational:\n    nix-image: ['@acme/nix']\n"
        "records:\n  dir: adr\n  threshold: 2\n"
    )
    assert config.artifact == "api"
    assert config.images == ["ghcr.io/acme/api"]
    assert config.flake_packages == ["api-image"]
    assert config.stack_paths == ["infra/stacks"]
    assert config.doc_paths == ["docs"]
    assert config.doc_roles == {"release": ["docs/RELEASING.md"]}
    assert config.canonical == "nix-image"
    assert config.planning_owners == ["#12"]
    assert config.operational_owners == {"nix-image": ["@acme/nix"]}
    assert config.records_dir == "adr"
    assert config.threshold == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope: 1\n", "`nope` is not a known key"),
        ("artifact: [a]\n", "`artifact` must be a mapping"),
        ("artifact: {images: [x]}\n", "`artifact.name` is required"),
        ("paths: {stacks: ../outside}\n", "`paths.stacks` must be a path inside the repository"),
        ("authority: {canonical: docker}\n", "`authority.canonical` must be one of"),
        ("records: {threshold: 0}\n", "`records.threshold` must be a whole number"),
        ("records: {threshold: \"\u00b2\"}\n", "`records.threshold` must be a whole number"),
        ("records: {dir: /etc}\n", "`records.dir` must be a path inside the repository"),
        ("records: {dir: .git/hooks}\n", "`records.dir` must be a path inside the repository"),
        ("docs: {changelog: x.md}\n", "`docs.changelog` is not a known key"),
        ("a: [\n", "invalid YAML"),
        ("artifact: a\nartifact: b\n", "`artifact` is given twice"),
    ],
)
def test_bad_configuration_names_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")) as info:
        load_config_text(text)
    assert str(info.value).startswith(".release-gate.yaml")
