"""Publication drafts, the same for actions and shell commands: image references grouped by
image with their tags, and flakes or binary caches pushed under a name."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from wizard.facts import BuildSource, Provenance, PublicationKind
from wizard.scan.expressions import split_reference
from wizard.scan.findings import JobFacts, PushDraft, push_value
from wizard.scan.items import CommandStep, Item


class ImageGroups:
    """Images named by a push: (name as written, name resolved) -> its tags, in order, each once."""

    def __init__(self) -> None:
        self.tags: dict[tuple[str, str], dict[str, None]] = {}

    def add(self, written: str, resolved: str, tags: Iterable[str] = ()) -> None:
        self.tags.setdefault((written, resolved), {}).update(dict.fromkeys(tags))

    def add_reference(self, written: str, resolved: str) -> None:
        """A `name[:tag][@digest]` reference as written and as resolved; the tag is the one
        written, else the one it resolves to."""
        as_written, as_resolved = split_reference(written), split_reference(resolved)
        tag = as_written.tag or as_resolved.tag
        self.add(as_written.name, as_resolved.name, [tag] if tag else [])

    def resolved_names(self) -> list[str]:
        return [resolved for _, resolved in self.tags]


def _step(item: Item) -> tuple[str, str] | None:
    return (item.frame.steps_file, item.step_id) if item.step_id else None


def image_drafts(
    groups: ImageGroups,
    item: Item,
    source: BuildSource,
    pushed: bool | str,
    *,
    digest: bool = False,
    buildx: bool = False,
    provenance: Provenance | None = None,
) -> list[PushDraft]:
    """One image draft per image the pushing step names (its tags gathered), or a single draft
    without image when it names none."""
    named = groups.tags.items() or {("", ""): {}}.items()
    return [
        PushDraft(
            kind="image",
            frame=item.frame,
            line=item.line,
            image=written or None,
            image_resolved=resolved or None,
            tags=list(tags),
            build_source=source,
            push=pushed,
            digest_output=digest,
            buildx=buildx,
            provenance=provenance,
            step=_step(item),
        )
        for (written, resolved), tags in named
    ]


def named_draft(
    kind: PublicationKind,
    item: Item,
    name: str | None,
    resolved: str | None,
    source: BuildSource,
    pushed: bool | str,
    registry: str | None,
    tags: Iterable[str] = (),
) -> PushDraft:
    """A flake or store paths pushed to FlakeHub or a binary cache called `name`."""
    return PushDraft(
        kind=kind,
        frame=item.frame,
        line=item.line,
        image=name,
        image_resolved=resolved,
        tags=list(tags),
        build_source=source,
        push=pushed,
        registry=registry,
        step=_step(item),
    )


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
    """The image drafts of a pushing command (nothing when the step never runs)."""
    pushed = push_value(item.frame)
    if pushed is None:
        return
    groups = ImageGroups()
    for reference in references:
        groups.add_reference(reference, item.resolve(reference))
    facts.drafts.extend(
        image_drafts(
            groups, item, source, pushed, digest=digest, buildx=buildx, provenance=provenance
        )
    )
