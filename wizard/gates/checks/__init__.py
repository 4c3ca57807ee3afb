"""Importing this package registers every named check in CHECKS."""

from wizard.gates.checks import (
    deployment,
    documentation,
    generic,
    ownership,
    publication,
    security,
    source_of_truth,
)
from wizard.gates.checks.registry import CHECKS, Check, Param

__all__ = [
    "CHECKS",
    "Check",
    "Param",
    "deployment",
    "documentation",
    "generic",
    "ownership",
    "publication",
    "security",
    "source_of_truth",
]
