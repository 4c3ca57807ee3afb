"""Scan a whole repository: every scanner in turn, reporting progress between them."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from wizard.authority import infer_authority, is_release_surface
from wizard.config import load_config
from wizard.facts import RepoSummary, ScanResult, stamped
from wizard.repo import Repo
from wizard.scan.artifact import (
    artifact_surfaces,
    belongs_to_artifact,
    choose_artifact,
)
from wizard.scan.context import ScanContext
from wizard.scan.docs import DocTerms, flakehub_names, scan_docs
from wizard.scan.expressions import flake_attr, image_name
from wizard.scan.flake import scan_flake
from wizard.scan.owners import scan_owners
from wizard.scan.statements import StatementInputs, describe
from wizard.scan.tofu import scan_stacks
from wizard.scan.workflows import scan_workflows

Progress = Callable[[str, float], None]

STAGES = ("listing files", "workflows", "flake", "stacks", "docs", "owners", "facts")


def scan_repository(
    path: str | Path,
    artifact: str | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan the repository at `path`. Raises RepoError/ConfigError when the run cannot start."""
    # A scan allocates many small, long-lived objects and frees them together at the end; the
    # cyclic collector only re-walks them (about 10% of a large scan), so it waits until then.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _scan(path, artifact, progress)
    finally:
        if collecting:
            gc.enable()


def _scan(
    path: str | Path,
    artifact: str | None,
    progress: Progress | None,
) -> ScanResult:

    def stage(index: int) -> None:
        if progress:
            progress(STAGES[index], index / len(STAGES))

    repo = Repo(path)
    config = load_config(repo)
    stage(0)
    ctx = ScanContext(repo=repo, config=config, files=repo.files())
    for name in repo.undecodable_names:
        ctx.problem(name, None, "the file name is not valid UTF-8; not read")
    if repo.info.head is None:
        ctx.problem(".", None, "the repository has no commits yet; blobs refer to the working tree")
    if repo.info.shallow:
        ctx.problem(".", None, "shallow clone: history checks (ancestry of records) may fail")

    stage(1)
    workflow_scan = scan_workflows(ctx)
    stage(2)
    flake = scan_flake(ctx)
    choice = choose_artifact(config, artifact, workflow_scan.publications, flake)
    if choice.problem:
        ctx.problem(config.path or ".", None, choice.problem)
    surfaces = artifact_surfaces(choice.name, config, flake)
    publications = [
        replace(p, artifact_match=belongs_to_artifact(p, surfaces, workflow_scan.nix_builds))
        for p in workflow_scan.publications
    ]
    flake.published = sorted(
        {
            attr
            for p in publications
            if is_release_surface(p)
            for attr in [flake_attr(p.build_source.ref)]
            if attr
        }
    )
    images = sorted(
        {
            name
            for p in publications
            if p.artifact_match and p.kind == "image"
            for name in [image_name(p.image_resolved or p.image)]
            if name
        }
        | {n for n in (image_name(i) for i in config.images) if n}
    )
    surfaces.images = images

    stage(3)
    deployments = scan_stacks(ctx, choice.name, images)
    stage(4)
    mentions, pages = scan_docs(
        ctx,
        DocTerms(
            artifact=choice.name,
            images=images,
            derivation_attrs=surfaces.derivation_packages,
            image_attrs=surfaces.image_packages,
            flakehub_names=flakehub_names(publications, repo.github_slug),
        ),
    )
    stage(5)
    owners = scan_owners(ctx)
    stage(6)
    authority = infer_authority(publications)
    facts = describe(
        StatementInputs(
            artifact=surfaces,
            config=config,
            publications=publications,
            nix_builds=workflow_scan.nix_builds,
            flake=flake,
            deployments=deployments,
            docs=mentions,
            pages=pages,
            owners=owners,
            authority=authority,
        )
    )
    if progress:
        progress("done", 1.0)
    info = repo.info
    return ScanResult(
        repo=RepoSummary(info.root, info.head, info.branch, info.dirty, info.shallow),
        artifact=choice.name,
        artifact_source=choice.source,
        publications=publications,
        flake=flake,
        deployments=deployments,
        docs=mentions,
        doc_pages=pages,
        owners=owners,
        authority=authority,
        facts=[replace(f, evidence=stamped(f.evidence, repo.blobs_read)) for f in facts],
        problems=list(ctx.problems),
        config_path=config.path,
        validation_builds=workflow_scan.nix_builds,
        blobs=repo.blobs_read,
        config=config,
    )
