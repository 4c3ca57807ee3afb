"""flake.nix: exported packages and which of them build OCI images (tree-sitter-nix).

CONTRACT: scan_flake(ctx) -> FlakeFacts  (`published` is filled in by the orchestrator).
"""

from __future__ import annotations

from wizard.facts import FlakeFacts
from wizard.scan.context import ScanContext


def scan_flake(ctx: ScanContext) -> FlakeFacts:
    raise NotImplementedError
