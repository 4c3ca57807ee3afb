"""Image publications drafted from shell commands: references resolved and grouped by image."""

from __future__ import annotations

import posixpath

from wizard.facts import BuildSource, Provenance
from wizard.scan.expressions import split_reference
from wizard.scan.findings import JobFacts, PushDraft, push_value
from wizard.scan.items import CommandStep


def image_key(item: CommandStep, reference: str) -> str:
    """A local image name as the daemon stores it (resolved, without tag or digest)."""
    return split_reference(item.resolve(reference)).name


def local_path(item: CommandStep, path: str) -> str:
    """A path a command names, relative to the repository (from the step's working directory)."""
    normal = posixpath.normpath(posixpath.join(item.frame.workdir, item.resolve(path)))
    return "" if normal == "." else normal


def draft_images(
    item: CommandStep,
    references: list[str],
    source: BuildSource,
    facts: JobFacts,
    *,
    digest: bool = False,
    buildx: bool = False,
    provenance: Provenance | None = None,
) -> None:
    """One image draft per distinct image the references name (its tags gathered), or a single
    draft without image when the command names none; nothing when the step never runs."""
    pushed = push_value(item.frame)
    if pushed is None:
        return
    images: dict[tuple[str, str], dict[str, None]] = {}
    for reference in references:
        written = split_reference(reference)
        resolved = split_reference(item.resolve(reference))
        tag = written.tag or resolved.tag
        bucket = images.setdefault((written.name, resolved.name), {})
        if tag:
            bucket[tag] = None
    for (written_name, resolved_name), tags in images.items() or {("", ""): {}}.items():
        facts.drafts.append(
            PushDraft(
                kind="image",
                frame=item.frame,
                line=item.line,
                image=written_name or None,
                image_resolved=resolved_name or None,
                tags=list(tags),
                build_source=source,
                push=pushed,
                digest_output=digest,
                buildx=buildx,
                provenance=provenance,
            )
        )
