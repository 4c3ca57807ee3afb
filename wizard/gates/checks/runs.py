"""Which runs of a publication are releases, and which of its tags each kind of run writes.

docker/metadata-action decides per run which tag rules apply: `type=semver`, `pep440`, `match` and
`type=ref,event=tag` only when the run's ref is a git tag (unless given a `value=`),
`type=ref,event=branch` and `type=edge` only on a branch, `type=sha` and `type=raw` on every run.
One publication started by branch pushes and tag pushes therefore writes different tags on each.
"""

from __future__ import annotations

import re
from typing import Literal

from wizard.facts import Publication

RefKind = Literal["branch", "tag"]

INTENTIONAL_PREFIXES = ("push:tags=", "release", "workflow_dispatch", "repository_dispatch")

# Tags derived from the release version: a version rule, the tag name, an input, a written version.
_VERSIONED = re.compile(
    r"type=(semver|pep440|match)|type=ref,event=tag|github\.ref_name|GITHUB_REF_NAME"
    r"|github\.event\.release\.tag_name|inputs\.version|\bv?\d+\.\d+\.\d+\b"
)
# Expressions that name the commit or the run rather than a release.
_PER_COMMIT = re.compile(r"github\.sha|GITHUB_SHA|github\.run_(id|number)|GITHUB_RUN_(ID|NUMBER)")
_DEFAULT_BRANCH_ONLY = re.compile(r"\{\{\s*is_default_branch\s*\}\}")
_VERSION_RULES = ("semver", "pep440", "match")
_COMMIT_RULES = ("sha", "edge", "schedule")


def intentional_triggers(pub: Publication) -> list[str]:
    return [t for t in pub.triggers if t.startswith(INTENTIONAL_PREFIXES)]


def runs_on_branches(pub: Publication) -> bool:
    """Publishes on every branch push or on a schedule, whatever else triggers it."""
    return any(t == "push" or t.startswith(("push:branches", "schedule")) for t in pub.triggers)


def trigger_refs(trigger: str) -> set[RefKind]:
    """The kinds of git ref an intentional trigger runs on."""
    if trigger.startswith(("push:tags=", "release")):
        return {"tag"}
    if trigger.startswith("repository_dispatch"):
        return {"branch"}  # always the default branch
    return {"branch", "tag"}  # workflow_dispatch: the ref the maintainer picks


def _rule(tag: str) -> dict[str, str] | None:
    """The attributes of a metadata-action rule (`type=ref,event=branch`); None for a plain tag."""
    if not tag.startswith("type="):
        return None
    fields = (part.partition("=") for part in tag.split(","))
    return {key.strip(): value.strip() for key, _, value in fields}


def written_on(tag: str, ref: RefKind) -> bool:
    """Whether a run on a `ref` writes this tag."""
    rule = _rule(tag)
    if rule is None:
        # Outside a release event the release's tag name is empty.
        return ref == "tag" or "github.event.release.tag_name" not in tag
    enable = rule.get("enable", "true")
    if enable == "false" or (_DEFAULT_BRANCH_ONLY.fullmatch(enable) and ref != "branch"):
        return False
    kind = rule.get("type", "")
    if kind in _VERSION_RULES:
        return ref == "tag" or bool(rule.get("value"))
    if kind == "ref":
        return rule.get("event") == ref  # event=pr never applies to a push
    if kind in ("edge", "schedule"):
        return ref == "branch"
    return True


def release_style(tag: str) -> bool:
    """The tag is derived from the release version."""
    return bool(_VERSIONED.search(tag))


def commit_style(tag: str) -> bool:
    """The tag names the commit, branch or run a build came from: CI output, not a release."""
    rule = _rule(tag)
    if rule is None:
        return bool(_PER_COMMIT.search(tag))
    if _DEFAULT_BRANCH_ONLY.fullmatch(rule.get("enable", "")):
        return True
    kind = rule.get("type", "")
    if kind == "ref":
        return rule.get("event") in ("branch", "pr")
    if kind == "raw":
        return bool(_PER_COMMIT.search(rule.get("value", "")))
    return kind in _COMMIT_RULES


def release_refs(pub: Publication) -> set[RefKind]:
    return {ref for t in intentional_triggers(pub) for ref in trigger_refs(t)}


def releasing_triggers(pub: Publication) -> list[str]:
    """The intentional triggers on which the publication writes a tag (all when no tag is known)."""
    return [
        t
        for t in intentional_triggers(pub)
        if not pub.tags or any(written_on(tag, ref) for tag in pub.tags for ref in trigger_refs(t))
    ]


def versioned_tags(pub: Publication) -> list[str]:
    """The release-version tags a publication writes on its intentional runs."""
    if pub.kind == "flakehub":
        # FlakeHub derives a semantic version from the release tag it is triggered by.
        return [t for t in pub.triggers if t.startswith(("push:tags=", "release"))]
    refs = release_refs(pub)
    return [t for t in pub.tags if release_style(t) and any(written_on(t, r) for r in refs)]


def tag_only_versions(pub: Publication) -> list[str]:
    """Release-version tags that none of the publication's intentional runs writes."""
    if pub.kind == "flakehub":
        return []
    refs = release_refs(pub)
    return [t for t in pub.tags if release_style(t) and not any(written_on(t, r) for r in refs)]


def release_run_tags(pub: Publication) -> set[str]:
    """Tags an intentional run writes that do not name the commit or branch it came from."""
    refs = release_refs(pub)
    return {t for t in pub.tags if not commit_style(t) and any(written_on(t, r) for r in refs)}


def branch_run_tags(pub: Publication) -> set[str]:
    """Tags a branch run writes that are not derived from a release version."""
    return {t for t in pub.tags if not release_style(t) and written_on(t, "branch")}
