"""The gate spec: gates and their requirements as data, validated, with repository overrides."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from wizard.yamlsafe import YamlProblem, YMap, load_yaml

GATE_IDS = (
    "source-of-truth",
    "security-parity",
    "publication-parity",
    "deployment-consumption",
    "documentation-convergence",
    "ownership",
)


class SpecError(Exception):
    """A gate spec is unusable; the message names the file and the key."""


@dataclass(frozen=True)
class RequirementSpec:
    id: str
    text: str
    check: str
    params: dict[str, Any] = field(default_factory=dict)
    source: str = "built-in"


@dataclass(frozen=True)
class GateSpec:
    id: str
    number: int
    title: str
    summary: str
    requirements: tuple[RequirementSpec, ...]


@dataclass(frozen=True)
class Spec:
    version: int
    gates: tuple[GateSpec, ...]

    def gate(self, gate_id: str) -> GateSpec:
        return next(g for g in self.gates if g.id == gate_id)


def _plain(value: Any) -> Any:
    """YAML values as plain Python (YStr -> str, YMap -> dict) for check parameters."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class _Reader:
    def __init__(self, where: str, checks: Collection[str]) -> None:
        self.where = where
        self.checks = checks

    def fail(self, key: str, reason: str) -> SpecError:
        return SpecError(f"{self.where}: `{key}` {reason}")

    def mapping(self, value: Any, key: str, allowed: set[str], required: set[str]) -> YMap:
        if not isinstance(value, YMap):
            raise self.fail(key, "must be a mapping")
        for name in value:
            if name not in allowed:
                raise self.fail(
                    f"{key}.{name}", f"is not a known field (known: {', '.join(sorted(allowed))})"
                )
        for name in sorted(required):
            if name not in value:
                raise self.fail(f"{key}.{name}", "is required")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return " ".join(str(value).split())

    def requirement(self, value: Any, key: str, required: set[str]) -> dict[str, Any]:
        data = self.mapping(value, key, {"id", "text", "check", "params"}, required)
        out: dict[str, Any] = {"id": self.text(data["id"], f"{key}.id")}
        if "text" in data:
            out["text"] = self.text(data["text"], f"{key}.text")
        if "check" in data:
            check = self.text(data["check"], f"{key}.check")
            if check not in self.checks:
                raise self.fail(
                    f"{key}.check",
                    f"names an unknown check `{check}` (known: {', '.join(sorted(self.checks))})",
                )
            out["check"] = check
        if "params" in data:
            if not isinstance(data["params"], YMap):
                raise self.fail(f"{key}.params", "must be a mapping")
            out["params"] = _plain(data["params"])
        return out


def parse_builtin(text: str, checks: Collection[str]) -> Spec:
    reader = _Reader("built-in gate spec", checks)
    try:
        root = load_yaml(text).root
    except YamlProblem as exc:
        raise SpecError(f"built-in gate spec: {exc.message}") from None
    data = reader.mapping(root, "(top level)", {"version", "gates"}, {"version", "gates"})
    if not isinstance(data["gates"], list):
        raise reader.fail("gates", "must be a list")
    gates = []
    for index, raw in enumerate(data["gates"]):
        key = f"gates[{index}]"
        gate = reader.mapping(
            raw,
            key,
            {"id", "number", "title", "summary", "requirements"},
            {"id", "number", "title", "summary", "requirements"},
        )
        if not isinstance(gate["requirements"], list):
            raise reader.fail(f"{key}.requirements", "must be a list")
        requirements = tuple(
            RequirementSpec(
                id=req["id"], text=req["text"], check=req["check"], params=req.get("params", {})
            )
            for i, raw_req in enumerate(gate["requirements"])
            for req in [
                reader.requirement(raw_req, f"{key}.requirements[{i}]", {"id", "text", "check"})
            ]
        )
        gates.append(
            GateSpec(
                id=reader.text(gate["id"], f"{key}.id"),
                number=int(reader.text(gate["number"], f"{key}.number")),
                title=reader.text(gate["title"], f"{key}.title"),
                summary=reader.text(gate["summary"], f"{key}.summary"),
                requirements=requirements,
            )
        )
    if tuple(g.id for g in gates) != GATE_IDS:
        raise SpecError("built-in gate spec: the six gates must appear in order")
    return Spec(version=int(str(data["version"])), gates=tuple(gates))


def apply_overrides(spec: Spec, overrides: Any, checks: Collection[str], where: str) -> Spec:
    """Extend or tighten `spec` with `.release-gate.yaml` `gates:`; nothing can be removed.

    A requirement whose id exists replaces its text/check/params; a new id is appended.
    """
    if overrides is None:
        return spec
    reader = _Reader(where, checks)
    root = reader.mapping(overrides, "gates", set(GATE_IDS), set())
    gates = []
    for gate in spec.gates:
        if gate.id not in root:
            gates.append(gate)
            continue
        key = f"gates.{gate.id}"
        entry = reader.mapping(root[gate.id], key, {"requirements"}, {"requirements"})
        if not isinstance(entry["requirements"], list):
            raise reader.fail(f"{key}.requirements", "must be a list")
        requirements = list(gate.requirements)
        for index, raw in enumerate(entry["requirements"]):
            req_key = f"{key}.requirements[{index}]"
            existing = next(
                (
                    i
                    for i, r in enumerate(requirements)
                    if isinstance(raw, YMap) and r.id == str(raw.get("id", ""))
                ),
                None,
            )
            if existing is None:
                data = reader.requirement(raw, req_key, {"id", "text", "check"})
                requirements.append(
                    RequirementSpec(
                        id=data["id"],
                        text=data["text"],
                        check=data["check"],
                        params=data.get("params", {}),
                        source=where,
                    )
                )
            else:
                data = reader.requirement(raw, req_key, {"id"})
                current = requirements[existing]
                if "check" in data and data["check"] != current.check:
                    raise reader.fail(
                        f"{req_key}.check",
                        f"cannot replace the check of `{current.id}`; add a requirement with a "
                        "new id instead",
                    )
                requirements[existing] = replace(
                    current,
                    text=data.get("text", current.text),
                    check=data.get("check", current.check),
                    params={**current.params, **data.get("params", {})},
                    source=where,
                )
        gates.append(replace(gate, requirements=tuple(requirements)))
    return replace(spec, gates=tuple(gates))


def builtin_text() -> str:
    return (resources.files("wizard.gates") / "default.yaml").read_text(encoding="utf-8")
