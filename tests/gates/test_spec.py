"""The gate spec is data: validated, extensible and tightenable from .release-gate.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.config import load_config_text
from wizard.gates.engine import load_spec
from wizard.gates.spec import GATE_IDS, SpecError
from wizard.sample import SEED_FILES, build_seed_repo

EXTRA = """
gates:
  security-parity:
    requirements:
      - id: provenance
        text: Build provenance is attested
        check: provenance_present
"""


def test_builtin_spec_has_the_six_gates_in_order() -> None:
    spec = load_spec()
    assert tuple(g.id for g in spec.gates) == GATE_IDS
    assert [g.number for g in spec.gates] == [1, 2, 3, 4, 5, 6]
    security = spec.gate("security-parity")
    assert [r.id for r in security.requirements] == [
        "vulnerability-scanning",
        "signing-or-provenance",
        "failure-ownership",
    ]


@pytest.mark.parametrize(
    ("gates_yaml", "message"),
    [
        (
            "gates:\n  security-parity:\n    requirements:\n      - {id: x, text: t, check: nope}\n",
            "`gates.security-parity.requirements[0].check` names an unknown check `nope`",
        ),
        (
            "gates:\n  security-parity:\n    requirements:\n      - {id: x, check: provenance_present}\n",
            "`gates.security-parity.requirements[0].text` is required",
        ),
        (
            "gates:\n  security-parity:\n    requirements:\n      - {id: x, text: t}\n",
            "`gates.security-parity.requirements[0].check` is required",
        ),
        (
            "gates:\n  security-parity:\n    requirements: {id: x}\n",
            "`gates.security-parity.requirements` must be a list",
        ),
        ("gates:\n  velocity: {requirements: []}\n", "`gates.velocity` is not a known field"),
        (
            "gates:\n  security-parity:\n    requirements:\n"
            "      - {id: vulnerability-scanning, params: {require_blocking: yes}}\n",
            "`gates.security-parity.requirements[vulnerability-scanning].params.require_blocking` "
            "must be a bool",
        ),
        (
            "gates:\n  security-parity:\n    requirements:\n"
            "      - {id: vulnerability-scanning, params: {depth: 3}}\n",
            "is not a parameter of check `vulnerability_scanning`",
        ),
        (
            "gates:\n  documentation-convergence:\n    requirements:\n"
            "      - {id: primary-docs-located, params: {roles: [{a: b}]}}\n",
            "`gates.documentation-convergence.requirements[primary-docs-located].params.roles` "
            "must be a list of strings",
        ),
        (
            "gates:\n  ownership:\n    requirements:\n"
            "      - {id: x, text: t, check: codeowners_covers, params: {paths: [[app]]}}\n",
            "`gates.ownership.requirements[x].params.paths` must be a list of strings",
        ),
    ],
)
def test_bad_specs_are_refused_naming_the_key(gates_yaml: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(load_config_text(gates_yaml))
    assert message in str(info.value)
    assert str(info.value).startswith(".release-gate.yaml: ")


def test_built_in_requirements_can_be_tightened_not_loosened() -> None:
    tightened = load_spec(
        load_config_text(
            "gates:\n  security-parity:\n    requirements:\n"
            "      - {id: vulnerability-scanning, params: {require_blocking: true}}\n"
        )
    )
    req = tightened.gate("security-parity").requirements[0]
    assert req.params == {"require_blocking": True} and req.source == ".release-gate.yaml"
    with pytest.raises(SpecError, match="would loosen the built-in gate"):
        load_spec(
            load_config_text(
                "gates:\n  documentation-convergence:\n    requirements:\n"
                "      - {id: primary-docs-located, params: {roles: [release]}}\n"
            )
        )
    with pytest.raises(SpecError, match="cannot replace the check of `one-story`"):
        load_spec(
            load_config_text(
                "gates:\n  documentation-convergence:\n    requirements:\n"
                "      - {id: one-story, check: provenance_present}\n"
            )
        )


def test_added_requirement_shows_in_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {".release-gate.yaml": SEED_FILES[".release-gate.yaml"] + EXTRA}
    )
    assert main(["gates", str(repo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for evaluation in data["evaluation"]:
        security = next(g for g in evaluation["gates"] if g["id"] == "security-parity")
        added = next(r for r in security["requirements"] if r["id"] == "provenance")
        assert added["status"] == "not-met" and added["source"] == ".release-gate.yaml"
    current = next(e for e in data["evaluation"] if e["current"])
    assert current["change_allowed"] is False
    for fmt in ("text", "markdown"):
        assert main(["gates", str(repo), "--format", fmt]) == 0
        assert "Build provenance is attested" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ("{id: x, text: t, check: bogus}", "unknown check `bogus`"),
        (
            "{id: primary-docs-located, params: {roles: [{a: b}]}}",
            "params.roles` must be a list of strings",
        ),
    ],
)
def test_bad_spec_is_one_clear_error_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], requirement: str, message: str
) -> None:
    gate = "ownership" if "bogus" in requirement else "documentation-convergence"
    repo = build_seed_repo(
        tmp_path / "r",
        {".release-gate.yaml": f"gates:\n  {gate}:\n    requirements:\n      - {requirement}\n"},
    )
    assert main(["gates", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
