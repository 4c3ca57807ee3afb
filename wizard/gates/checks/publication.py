"""Gate 3: the candidate path has the release semantics of the current image workflow."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence
from wizard.gates.checks.common import (
    evidence_of,
    flake_attrs,
    packages_of_artifact,
    place,
    places,
    unpublished,
)
from wizard.gates.checks.registry import check
from wizard.gates.checks.runs import (
    branch_run_tags,
    intentional_triggers,
    release_run_tags,
    releasing_triggers,
    runs_on_branches,
    tag_only_versions,
    versioned_tags,
)
from wizard.gates.model import EvalContext, Verdict


@check("intentional_release_trigger")
def intentional_release_trigger(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "it has no release trigger")
    releasing = [p for p in pubs if releasing_triggers(p)]
    if releasing:
        triggers = sorted({t for p in releasing for t in releasing_triggers(p)})
        return Verdict(
            "met",
            f"{places(releasing)} publishes on {', '.join(triggers)}",
            evidence_of(releasing),
        )
    intentional = [p for p in pubs if intentional_triggers(p)]
    if intentional:
        pub = intentional[0]
        return Verdict(
            "not-met",
            f"{place(pub)} is started by {', '.join(intentional_triggers(pub))} but none of its "
            f"tags ({', '.join(pub.tags)}) is written on that run, so it publishes nothing then",
            evidence_of(intentional),
        )
    triggers = sorted({t for p in pubs for t in p.triggers})
    return Verdict(
        "not-met",
        f"publishes only on {', '.join(triggers) or 'no trigger'}: every "
        "branch push is a release, none is intentional",
        evidence_of(pubs),
    )


@check("versioned_publication")
def versioned_publication(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "there is no versioned publication")
    releases = [p for p in pubs if intentional_triggers(p)]
    good = [(p, tags) for p in releases for tags in [versioned_tags(p)] if tags]
    if good:
        return Verdict(
            "met",
            "; ".join(f"{place(p)} publishes {', '.join(tags)}" for p, tags in good),
            evidence_of([p for p, _ in good]),
        )
    off_ref = [(p, tags) for p in releases for tags in [tag_only_versions(p)] if tags]
    if off_ref:
        pub, tags = off_ref[0]
        return Verdict(
            "not-met",
            f"{place(pub)} writes {', '.join(tags)} only on a git tag, but its release runs "
            f"({', '.join(intentional_triggers(pub))}) run on a branch",
            evidence_of([p for p, _ in off_ref]),
        )
    written = sorted({t for p in (releases or pubs) for t in p.tags}) or ["no tag written"]
    what = f"{places(releases)} publishes" if releases else "only branch pushes publish, with"
    return Verdict(
        "not-met",
        f"{what} tags without a version: {', '.join(written)}",
        evidence_of(releases or pubs),
    )


@check("digest_addressable")
def digest_addressable(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "there is no install target")
    images = [p for p in pubs if p.kind == "image"]
    flakes = [p for p in pubs if p.kind == "flakehub"]
    recorded = [p for p in images if p.digest_output or (p.signing and p.signing.by_digest)]
    unrecorded = [p for p in images if p not in recorded]
    parts = []
    if recorded:
        parts.append(f"{places(recorded)} pushes to an OCI registry and records the digest")
    if flakes:
        parts.append(f"{places(flakes)} publishes immutable FlakeHub releases")
    if unrecorded and not recorded:
        return Verdict(
            "needs-review",
            f"{places(unrecorded)} pushes by tag and records no digest;"
            " confirm operators can pin the pushed digest",
            evidence_of(unrecorded),
        )
    return Verdict("met", "; ".join(parts), evidence_of(recorded + flakes))


@check("validation_distinct")
def validation_distinct(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    validation = [
        b
        for b in ctx.scan.validation_builds
        if b.attr in flake_attrs(pubs) or (not pubs and _candidate_attr(ctx, b.attr))
    ]
    val_evidence = [Evidence(b.path, b.line, None) for b in validation]
    if not pubs:
        if validation:
            builds = ", ".join(f"{b.path}:{b.line} builds .#{b.attr}" for b in validation)
            return Verdict(
                "not-met",
                f"{builds} for validation only; no released artifact exists "
                "to tell apart from that CI output",
                val_evidence,
            )
        return unpublished(ctx, "nothing separates CI output from a release")
    releases = [p for p in pubs if intentional_triggers(p)]
    if not releases:
        return Verdict(
            "not-met",
            "every publication runs on branch pushes, so CI output and the "
            "released artifact are the same thing",
            evidence_of(pubs),
        )
    versioned = [p for p in releases if versioned_tags(p)]
    if not versioned:
        return Verdict(
            "not-met",
            f"releases ({places(releases)}) push no versioned tag, so they "
            "cannot be told apart from CI output",
            evidence_of(releases),
        )
    # Compared per run: a publication serving both writes its branch rules on branch pushes and
    # its version rules on releases, so only tags written on both kinds of run collide.
    branch = [p for p in pubs if runs_on_branches(p)]
    branch_tags = {t for p in branch for t in branch_run_tags(p)}
    shared = sorted(branch_tags & {t for p in versioned for t in release_run_tags(p)})
    if shared:
        return Verdict(
            "not-met",
            f"branch builds ({places(branch)}) and releases both push {', '.join(shared)}",
            evidence_of(branch + versioned),
        )
    what = f"releases ({places(versioned)}) publish versioned tags"
    if branch:
        what += f"; branch builds ({places(branch)}) push " + (
            ", ".join(sorted(branch_tags)) or "no tag of their own"
        )
    return Verdict("met", what, evidence_of(versioned + branch) + val_evidence)


def _candidate_attr(ctx: EvalContext, attr: str) -> bool:
    packages = {p.name: p for p in packages_of_artifact(ctx)}
    package = packages.get(attr)
    if package is None:
        return False
    if ctx.candidate == "nix-image":
        return package.image_builder is not None
    if ctx.candidate == "nix-derivation":
        return package.image_builder is None and attr != "default"
    return False
