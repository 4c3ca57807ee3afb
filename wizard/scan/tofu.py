"""Terraform/OpenTofu stacks: inputs that carry the artifact's image (python-hcl2).

CONTRACT: scan_stacks(ctx, artifact, images) -> list[Deployment]
"""

from __future__ import annotations

from wizard.facts import Deployment
from wizard.scan.context import ScanContext


def scan_stacks(ctx: ScanContext, artifact: str | None, images: list[str]) -> list[Deployment]:
    raise NotImplementedError
