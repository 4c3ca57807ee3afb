"""GitHub Actions workflows: every step that publishes an image, a flake or store paths.

CONTRACT (implemented by the workflows helper; see tests/scan/test_workflows*.py):

    scan_workflows(ctx) -> WorkflowScan

Returns one Publication per pushing step (artifact_match left False: the orchestrator decides it)
and every flake attribute a workflow builds without publishing (validation output).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.facts import Publication, ValidationBuild
from wizard.scan.context import ScanContext

NixBuild = ValidationBuild


@dataclass
class WorkflowScan:
    publications: list[Publication] = field(default_factory=list)
    nix_builds: list[NixBuild] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)


def scan_workflows(ctx: ScanContext) -> WorkflowScan:
    raise NotImplementedError
