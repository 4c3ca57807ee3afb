"""CODEOWNERS, read where GitHub reads it: `.github/`, the root, then `docs/` (first found).

CONTRACT: scan_owners(ctx) -> Owners
"""

from __future__ import annotations

from wizard.facts import Owners
from wizard.scan.context import ScanContext


def scan_owners(ctx: ScanContext) -> Owners:
    raise NotImplementedError
