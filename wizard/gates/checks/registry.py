"""Named checks: the only place a requirement's status is computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.gates.model import EvalContext, Verdict

CheckFunction = Callable[[EvalContext, dict[str, Any]], Verdict]


@dataclass(frozen=True)
class Param:
    """A check parameter: its type, default, and for flags whether a repo may only turn it on."""

    kind: type
    default: Any
    tighten_only: bool = False


@dataclass(frozen=True)
class Check:
    name: str
    function: CheckFunction
    params: dict[str, Param] = field(default_factory=dict)


CHECKS: dict[str, Check] = {}


def check(name: str, **params: Param) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = Check(name, function, dict(params))
        return function

    return register
