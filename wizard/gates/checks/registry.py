"""Named checks: the only place a requirement's status is computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.gates.model import EvalContext, Verdict

CheckFunction = Callable[[EvalContext, dict[str, Any]], Verdict]


def turns_off(shipped: Any, value: Any) -> bool:
    """For a strictness flag: loosening means switching it off."""
    return bool(shipped) and not value


def turns_on(shipped: Any, value: Any) -> bool:
    """For a leniency flag: loosening means switching it on."""
    return bool(value) and not shipped


def drops_items(shipped: Any, value: Any) -> bool:
    """For a list of demands: loosening means dropping one."""
    return not set(shipped) <= set(value)


@dataclass(frozen=True)
class Param:
    """A check parameter: its type, default, and how a value would loosen the shipped one."""

    kind: type
    default: Any
    loosens: Callable[[Any, Any], bool] | None = None


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
