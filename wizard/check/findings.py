"""What `check` reports: findings with a level and a place, and the overall result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str
    path: str | None = None
    line: int | None = None


@dataclass
class CheckResult:
    artifact: str | None
    authority: str
    record: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        levels = {f.level for f in self.findings}
        return "error" in levels or (strict and "warning" in levels)
