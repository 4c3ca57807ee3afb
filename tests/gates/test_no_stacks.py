"""`paths.stacks: none` declares there is no deployment stack, so gate 4 can be met without one."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import context_for
from wizard.config import Config, load_config_text
from wizard.gates.engine import evaluate, load_spec
from wizard.gates.model import RequirementResult
from wizard.sample import SEED_FILES, build_seed_repo
from wizard.scan.repository import scan_repository
from wizard.scan.tofu import scan_stacks

SEED_CONFIG = SEED_FILES[".release-gate.yaml"]
NO_STACKS = SEED_CONFIG + "paths:\n  flake: flake.nix\n  stacks: none\n"
WITHOUT_TOFU: dict[str, str | None] = {
    path: None for path in SEED_FILES if path.startswith("tofu/")
}


def install_contracts(repo: Path) -> dict[str, RequirementResult]:
    scan = scan_repository(repo)
    assert scan.config is not None
    return {
        e.candidate: next(
            r
            for r in e.gate("deployment-consumption").requirements
            if r.id == "single-install-contract"
        )
        for e in evaluate(scan, scan.config, load_spec(scan.config))
    }


def test_stacks_none_is_a_flag_not_a_path() -> None:
    config = load_config_text(NO_STACKS)
    assert config.no_stacks is True and config.stack_paths == []
    assert config.line_of["paths.stacks"] == NO_STACKS.splitlines().index("  stacks: none") + 1
    listed = load_config_text("paths:\n  stacks: [none]\n")
    assert listed.no_stacks is False and listed.stack_paths == ["none"]


def test_the_stack_scanner_reads_no_stack_when_none_is_declared(seed_repo: Path) -> None:
    found = scan_stacks(context_for(seed_repo, Config()), "runner-dashboard", [])
    assert [d.file for d in found] == ["tofu/stacks/runner-dashboard/variables.tf"]
    declared = context_for(seed_repo, Config(no_stacks=True))
    assert scan_stacks(declared, "runner-dashboard", []) == []


def test_without_a_stack_the_install_contract_waits_for_a_declaration(tmp_path: Path) -> None:
    undeclared = install_contracts(build_seed_repo(tmp_path / "undeclared", WITHOUT_TOFU))
    assert {r.status for r in undeclared.values()} == {"needs-review"}
    assert undeclared["dockerfile-image"].reason == (
        "no OpenTofu/Terraform stack consuming runner-dashboard was found; set paths.stacks in "
        ".release-gate.yaml to where it is, or to `none` if there is none"
    )
    declared = install_contracts(
        build_seed_repo(tmp_path / "declared", {**WITHOUT_TOFU, ".release-gate.yaml": NO_STACKS})
    )
    line = NO_STACKS.splitlines().index("  stacks: none") + 1
    for candidate, result in declared.items():
        assert result.status == "met", candidate
        assert result.reason == "the repository declares no deployment stack (.release-gate.yaml)"
        assert [(e.path, e.line) for e in result.evidence] == [(".release-gate.yaml", line)]
        assert result.evidence[0].blob and len(result.evidence[0].blob) == 40
