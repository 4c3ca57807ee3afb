"""Evaluate the six gates for every candidate authority over the scanned facts."""

from __future__ import annotations

from typing import Any

from wizard.authority import release_surfaces
from wizard.config import CONFIG_FILE, Config
from wizard.facts import Publication, ScanResult, stamped
from wizard.gates.checks import CHECKS
from wizard.gates.model import (
    CANDIDATES,
    CandidateEvaluation,
    EvalContext,
    GateResult,
    RequirementResult,
    combine,
)
from wizard.gates.spec import (
    Spec,
    SpecError,
    apply_overrides,
    builtin_text,
    parse_builtin,
)


def _validate_params(spec: Spec, where: str) -> None:
    builtin = {
        (g.id, r.id): r.params
        for g in parse_builtin(builtin_text(), CHECKS).gates
        for r in g.requirements
    }
    for gate in spec.gates:
        for req in gate.requirements:
            known = CHECKS[req.check].params
            key = f"gates.{gate.id}.requirements[{req.id}].params"
            for name, value in req.params.items():
                if name not in known:
                    raise SpecError(
                        f"{where}: `{key}.{name}` is not a parameter of check "
                        f"`{req.check}` (known: {', '.join(sorted(known)) or 'none'})"
                    )
                param = known[name]
                if not isinstance(value, param.kind) or (
                    param.kind is int and isinstance(value, bool)
                ):
                    raise SpecError(f"{where}: `{key}.{name}` must be a {param.kind.__name__}")
                # Every list parameter names things (roles, paths, provenance kinds).
                if isinstance(value, list) and not all(isinstance(item, str) for item in value):
                    raise SpecError(f"{where}: `{key}.{name}` must be a list of strings")
                shipped_params = builtin.get((gate.id, req.id))
                if shipped_params is None or param.loosens is None:
                    continue
                shipped = shipped_params.get(name, param.default)
                if param.loosens(shipped, value):
                    raise SpecError(
                        f"{where}: `{key}.{name}` would loosen the built-in gate "
                        f"({shipped!r} -> {value!r}); a repository may only tighten it"
                    )


def load_spec(config: Config | None = None) -> Spec:
    """The built-in spec, extended or tightened by `.release-gate.yaml` `gates:`."""
    spec = parse_builtin(builtin_text(), CHECKS)
    if config is not None and config.gates is not None:
        spec = apply_overrides(spec, config.gates, CHECKS, CONFIG_FILE)
        _validate_params(spec, CONFIG_FILE)
    return spec


def _surfaces(scan: ScanResult) -> dict[str, list[Publication]]:
    surfaces = release_surfaces(scan.publications)
    kinds = [pubs for pubs in surfaces.values() if pubs]
    return {
        **surfaces,
        # Dual publication exists only once two surfaces publish; one alone is not dual.
        "dual": [p for pubs in kinds for p in pubs] if len(kinds) >= 2 else [],
        "none": [],
    }


def _params(check: str, given: dict[str, Any]) -> dict[str, Any]:
    defaults = {name: p.default for name, p in CHECKS[check].params.items()}
    return {**defaults, **given}


def evaluate(
    scan: ScanResult,
    config: Config,
    spec: Spec,
    candidates: tuple[str, ...] = CANDIDATES,
) -> list[CandidateEvaluation]:
    """One evaluation per candidate; each requirement decided by its named check."""
    surfaces = _surfaces(scan)
    current = scan.authority.current
    results = []
    for candidate in candidates:
        ctx = EvalContext(
            scan=scan,
            config=config,
            candidate=candidate,
            current=current,
            candidate_pubs=surfaces[candidate],
            baseline_pubs=surfaces[current],
            surfaces=surfaces,
        )
        gates = []
        for gate in spec.gates:
            requirements = []
            for req in gate.requirements:
                verdict = CHECKS[req.check].function(ctx, _params(req.check, req.params))
                requirements.append(
                    RequirementResult(
                        id=req.id,
                        text=req.text,
                        check=req.check,
                        status=verdict.status,
                        reason=verdict.reason,
                        evidence=stamped(verdict.evidence, scan.blobs),
                        source=req.source,
                    )
                )
            gates.append(
                GateResult(
                    id=gate.id,
                    number=gate.number,
                    title=gate.title,
                    summary=gate.summary,
                    status=combine([r.status for r in requirements]),
                    requirements=requirements,
                )
            )
        results.append(
            CandidateEvaluation(
                candidate=candidate,
                current=candidate == current,
                change_allowed=all(g.status == "met" for g in gates),
                gates=gates,
            )
        )
    return results
