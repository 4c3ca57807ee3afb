"""Markdown docs: lines naming the artifact's image, its Nix image or its derivation.

CONTRACT: scan_docs(ctx, terms) -> (list[DocMention], list[DocPage])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.facts import DocMention, DocPage
from wizard.scan.context import ScanContext


@dataclass
class DocTerms:
    """What counts as a mention of the artifact."""

    artifact: str | None
    images: list[str] = field(default_factory=list)          # registry/owner/name, no tag
    derivation_attrs: list[str] = field(default_factory=list)  # flake packages that are not images
    image_attrs: list[str] = field(default_factory=list)       # flake packages that build images


def scan_docs(ctx: ScanContext, terms: DocTerms) -> tuple[list[DocMention], list[DocPage]]:
    raise NotImplementedError
