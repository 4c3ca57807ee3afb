"""Plain-text rendering of a scan for terminals (80 columns, no colour needed)."""

from __future__ import annotations

from wizard.facts import ScanResult
from wizard.text import printable


def _p(text: object) -> str:
    return printable(str(text), single_line=True)


def scan_report(result: ScanResult) -> str:
    lines: list[str] = []
    repo = result.repo
    head = repo.head[:12] if repo.head else "no commits"
    lines.append(f"Repository  {_p(repo.root)}")
    lines.append(
        f"HEAD        {head} on {_p(repo.branch) if repo.branch else 'detached HEAD'}"
        f"{' (uncommitted changes)' if repo.dirty else ''}"
    )
    lines.append(f"Artifact    {_p(result.artifact or 'unknown')} ({_p(result.artifact_source)})")
    lines.append(f"Authority   {result.authority.current}: {_p(result.authority.reason)}")
    for ev in result.authority.evidence:
        lines.append(f"            {_p(ev.location())}")

    lines.append("")
    lines.append("Facts")
    for fact in result.facts:
        lines.append(f"  - {_p(fact.text)}")
        for ev in fact.evidence:
            lines.append(f"      {_p(ev.location())}")

    lines.append("")
    lines.append("Workflows")
    if not result.publications:
        lines.append("  no workflow step publishes anything")
    for pub in result.publications:
        mark = "*" if pub.artifact_match else " "
        lines.append(
            f" {mark} {_p(pub.path)}:{pub.line} [{pub.kind}] {_p(pub.image_resolved or pub.image)}"
        )
        details = [
            f"job {_p(pub.job)}",
            f"source {pub.build_source.kind}:{_p(pub.build_source.ref)}",
        ]
        if pub.via:
            details.append(f"via {_p(pub.via)}")
        lines.append(f"      {', '.join(details)}")
        lines.append(f"      triggers {_p(', '.join(pub.triggers) or 'none')}; push {_p(pub.push)}")
    for build in result.validation_builds:
        lines.append(
            f"   {_p(build.path)}:{build.line} builds .#{_p(build.attr)} (validation only)"
        )

    lines.append("")
    lines.append("Flake")
    flake = result.flake
    if not flake.path:
        lines.append("  no flake.nix")
    for pkg in flake.packages:
        builder = f" (image: {_p(pkg.image_builder)})" if pkg.image_builder else ""
        published = " published" if pkg.name in flake.published else ""
        lines.append(f"  {_p(flake.path)}:{pkg.line} packages.{_p(pkg.name)}{builder}{published}")

    lines.append("")
    lines.append("Deployment stacks")
    if not result.deployments:
        lines.append("  no stack consumes the artifact's image")
    for dep in result.deployments:
        lines.append(
            f"  {_p(dep.file)}:{dep.line} var.{_p(dep.variable)} type {_p(dep.type)}"
            f"{' digest-pinned' if dep.digest_pinned else ''}"
        )
        for consumer in dep.consumers:
            lines.append(f"      used at {_p(consumer.file)}:{consumer.line} {_p(consumer.target)}")

    lines.append("")
    lines.append("Docs")
    for page in result.doc_pages:
        lines.append(f"  {_p(page.path)}: {', '.join(page.roles)} ({_p(page.reason)})")
    for mention in result.docs:
        lines.append(f"  {_p(mention.path)}:{mention.line} {mention.mentions}: {_p(mention.text)}")

    lines.append("")
    lines.append("Owners")
    if result.owners.file is None:
        lines.append("  no CODEOWNERS file")
    for rule in result.owners.rules:
        lines.append(
            f"  {_p(result.owners.file)}:{rule.line} {_p(rule.pattern)} "
            f"{_p(' '.join(rule.owners) or '(unowned)')}"
        )

    if result.problems:
        lines.append("")
        lines.append("Problems")
        for problem in result.problems:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            lines.append(f"  {_p(where)}: {_p(problem.message)}")
    return "\n".join(lines) + "\n"
