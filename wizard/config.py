"""The repository's `.release-gate.yaml`: what to review and where to look when guessing fails."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wizard.facts import AUTHORITIES
from wizard.repo import FileProblem, Repo
from wizard.yamlsafe import YamlProblem, YMap, load_yaml_strict

CONFIG_FILE = ".release-gate.yaml"
DOC_ROLES = ("overview", "container-build", "release", "onboarding")
DEFAULT_RECORDS_DIR = "docs/decisions/release-authority"
DEFAULT_ALLOWED_SIGNERS = ".github/allowed_signers"
DEFAULT_OPENPGP_KEYRING = ".github/release-gate-keys.asc"
DEFAULT_NAMESPACE = "release-gate"

_TOP_KEYS = {"artifact", "paths", "docs", "authority", "ownership", "records", "gates"}


class ConfigError(Exception):
    """The configuration is unusable; the message names the file, key and reason."""


@dataclass
class Config:
    path: str | None = None
    artifact: str | None = None
    images: list[str] = field(default_factory=list)
    flake_packages: list[str] = field(default_factory=list)
    workflows_dir: str = ".github/workflows"
    flake_path: str = "flake.nix"
    stack_paths: list[str] = field(default_factory=list)
    # `paths.stacks: none`: the repository has no deployment stack, so none is looked for.
    no_stacks: bool = False
    doc_paths: list[str] = field(default_factory=list)
    doc_roles: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    planning_owners: list[str] = field(default_factory=list)
    operational_owners: dict[str, list[str]] = field(default_factory=dict)
    records_dir: str = DEFAULT_RECORDS_DIR
    allowed_signers: str = DEFAULT_ALLOWED_SIGNERS
    openpgp_keyring: str = DEFAULT_OPENPGP_KEYRING
    namespace: str = DEFAULT_NAMESPACE
    threshold: int = 1
    gates: Any = None
    line_of: dict[str, int] = field(default_factory=dict)


def _fail(key: str, reason: str) -> ConfigError:
    return ConfigError(f"{CONFIG_FILE}: `{key}` {reason}")


def _mapping(value: Any, key: str) -> YMap:
    if not isinstance(value, YMap):
        raise _fail(key, "must be a mapping")
    return value


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, "must be a non-empty string")
    return str(value).strip()


def _strings(value: Any, key: str) -> list[str]:
    """A string or a list of strings."""
    if isinstance(value, str):
        return [_string(value, key)]
    if not isinstance(value, list):
        raise _fail(key, "must be a string or a list of strings")
    return [_string(item, f"{key}[{i}]") for i, item in enumerate(value)]


def _relative_path(value: Any, key: str) -> str:
    text = _string(value, key)
    parts = [p for p in text.rstrip("/").split("/") if p not in ("", ".")]
    if text.startswith("/") or ".." in parts or ".git" in parts:
        raise _fail(key, "must be a path inside the repository (relative, outside .git)")
    return "/".join(parts) or "."


def _unknown(mapping: YMap, allowed: set[str], prefix: str) -> None:
    for key in mapping:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise _fail(f"{prefix}{key}", f"is not a known key (known: {known})")


def parse_config(data: Any, path: str | None = CONFIG_FILE) -> Config:
    config = Config(path=path)
    if data is None:
        return config
    root = _mapping(data, "(top level)")
    _unknown(root, _TOP_KEYS, "")
    config.line_of = dict(root.key_lines)
    if "artifact" in root:
        _parse_artifact(root["artifact"], config)
    if "paths" in root:
        paths = _mapping(root["paths"], "paths")
        _unknown(paths, {"workflows", "flake", "stacks", "docs"}, "paths.")
        if "workflows" in paths:
            config.workflows_dir = _relative_path(paths["workflows"], "paths.workflows")
        if "flake" in paths:
            config.flake_path = _relative_path(paths["flake"], "paths.flake")
        if "stacks" in paths and paths["stacks"] == "none":
            config.no_stacks = True
            config.line_of["paths.stacks"] = paths.line_of("stacks")
        elif "stacks" in paths:
            config.stack_paths = [
                _relative_path(p, "paths.stacks") for p in _strings(paths["stacks"], "paths.stacks")
            ]
        if "docs" in paths:
            config.doc_paths = [
                _relative_path(p, "paths.docs") for p in _strings(paths["docs"], "paths.docs")
            ]
    if "docs" in root:
        docs = _mapping(root["docs"], "docs")
        _unknown(docs, set(DOC_ROLES), "docs.")
        config.doc_roles = {
            role: [_relative_path(p, f"docs.{role}") for p in _strings(docs[role], f"docs.{role}")]
            for role in docs
        }
    if "authority" in root:
        authority = _mapping(root["authority"], "authority")
        _unknown(authority, {"canonical"}, "authority.")
        if "canonical" in authority:
            canonical = _string(authority["canonical"], "authority.canonical")
            if canonical not in AUTHORITIES:
                raise _fail("authority.canonical", f"must be one of {', '.join(AUTHORITIES)}")
            config.canonical = canonical
    if "ownership" in root:
        _parse_ownership(root["ownership"], config)
    if "records" in root:
        _parse_records(root["records"], config)
    config.gates = root.get("gates")
    return config


def _parse_artifact(value: Any, config: Config) -> None:
    if isinstance(value, str):
        config.artifact = _string(value, "artifact")
        return
    artifact = _mapping(value, "artifact")
    _unknown(artifact, {"name", "images", "flake_packages"}, "artifact.")
    if "name" not in artifact:
        raise _fail("artifact.name", "is required when `artifact` is a mapping")
    config.artifact = _string(artifact["name"], "artifact.name")
    if "images" in artifact:
        config.images = _strings(artifact["images"], "artifact.images")
    if "flake_packages" in artifact:
        config.flake_packages = _strings(artifact["flake_packages"], "artifact.flake_packages")


def _parse_ownership(value: Any, config: Config) -> None:
    ownership = _mapping(value, "ownership")
    _unknown(ownership, {"planning", "operational"}, "ownership.")
    if "planning" in ownership:
        config.planning_owners = _strings(ownership["planning"], "ownership.planning")
    if "operational" in ownership:
        operational = _mapping(ownership["operational"], "ownership.operational")
        _unknown(operational, set(AUTHORITIES), "ownership.operational.")
        config.operational_owners = {
            candidate: _strings(owners, f"ownership.operational.{candidate}")
            for candidate, owners in operational.items()
        }


def _parse_records(value: Any, config: Config) -> None:
    records = _mapping(value, "records")
    _unknown(
        records, {"dir", "allowed_signers", "openpgp_keyring", "namespace", "threshold"}, "records."
    )
    if "dir" in records:
        config.records_dir = _relative_path(records["dir"], "records.dir")
    if "allowed_signers" in records:
        config.allowed_signers = _relative_path(
            records["allowed_signers"], "records.allowed_signers"
        )
    if "openpgp_keyring" in records:
        config.openpgp_keyring = _relative_path(
            records["openpgp_keyring"], "records.openpgp_keyring"
        )
    if "namespace" in records:
        config.namespace = _string(records["namespace"], "records.namespace")
    if "threshold" in records:
        raw = records["threshold"]
        if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{1,3}", raw) or int(raw) < 1:
            raise _fail("records.threshold", "must be a whole number of at least 1")
        config.threshold = int(raw)


def load_config(repo: Repo) -> Config:
    """Read `.release-gate.yaml` from the working tree; defaults when it does not exist."""
    if not repo.absolute(CONFIG_FILE).exists() and not repo.absolute(CONFIG_FILE).is_symlink():
        return Config(path=None)
    try:
        text = repo.read_text(CONFIG_FILE)
    except FileProblem as exc:
        raise ConfigError(f"{CONFIG_FILE}: {exc}") from None
    return load_config_text(text)


def load_config_text(text: str) -> Config:
    try:
        root = load_yaml_strict(text)
    except YamlProblem as exc:
        where = f":{exc.line}" if exc.line else ""
        raise ConfigError(f"{CONFIG_FILE}{where}: {exc.message}") from None
    return parse_config(root)
