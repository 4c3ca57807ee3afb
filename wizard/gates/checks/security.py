"""Gate 2: the candidate path is at least as strong as the current one, capability by capability."""

from __future__ import annotations

from typing import Any

from wizard.facts import Evidence, Publication
from wizard.gates.checks.common import (
    codeowners_cover,
    configured_owners,
    place,
    unpublished,
)
from wizard.gates.checks.registry import Param, check, turns_off, turns_on
from wizard.gates.model import EvalContext, Verdict

_STRONG_PROVENANCE = ("attest-build-provenance", "slsa-generator")


def _baseline_words(ctx: EvalContext) -> str:
    return "the current path" if ctx.baseline_pubs else "no current path exists to compare with"


@check("vulnerability_scanning", require_blocking=Param(bool, False, turns_off))
def vulnerability_scanning(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "nothing on that path is scanned")
    unscanned = [p for p in pubs if p.vuln_scan is None]
    if unscanned:
        return Verdict(
            "not-met",
            "published without vulnerability scanning at " + ", ".join(place(p) for p in unscanned),
            [Evidence(p.path, p.line, p.blob) for p in unscanned],
        )
    baseline_blocks = any(p.vuln_scan and p.vuln_scan.blocking for p in ctx.baseline_pubs)
    scans = [p.vuln_scan for p in pubs if p.vuln_scan]
    evidence = [Evidence(s.path, s.line, None) for s in scans]
    if params["require_blocking"] or baseline_blocks:
        soft = [s for s in scans if not s.blocking]
        if soft:
            why = (
                "the spec requires blocking scans"
                if params["require_blocking"]
                else ("the current path's scan blocks the release")
            )
            return Verdict(
                "not-met",
                f"{soft[0].tool} at {soft[0].path}:{soft[0].line} does not "
                f"block on findings; {why}",
                evidence,
            )
    tools = sorted({f"{s.tool} ({'blocking' if s.blocking else 'non-blocking'})" for s in scans})
    return Verdict(
        "met",
        f"every publishing step is scanned: {', '.join(tools)}; "
        f"{_baseline_words(ctx)}"
        + (
            ""
            if not ctx.baseline_pubs
            else " scans " + ("blocking" if baseline_blocks else "without blocking")
        ),
        evidence,
    )


def _signed_by_digest(pub: Publication, provenance_counts: bool) -> bool:
    if pub.signing and pub.signing.by_digest:
        return True
    return provenance_counts and bool(pub.provenance and pub.provenance.kind in _STRONG_PROVENANCE)


def _signed(pub: Publication, provenance_counts: bool) -> bool:
    if pub.signing:
        return True
    return provenance_counts and bool(pub.provenance and pub.provenance.kind in _STRONG_PROVENANCE)


@check(
    "signing_or_provenance",
    provenance_replaces_signing=Param(bool, True, turns_on),
    require_digest=Param(bool, False, turns_off),
)
def signing_or_provenance(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    counts = bool(params["provenance_replaces_signing"])
    if not pubs:
        return unpublished(ctx, "nothing on that path is signed")
    evidence = [
        Evidence(item.path, item.line, None)
        for p in pubs
        for item in (p.signing, p.provenance)
        if item is not None
    ]
    unsigned = [p for p in pubs if not _signed(p, counts)]
    if unsigned:
        what = "signing or attested provenance" if counts else "signing"
        return Verdict(
            "not-met",
            f"published without {what} at " + ", ".join(place(p) for p in unsigned),
            evidence + [Evidence(p.path, p.line, p.blob) for p in unsigned],
        )
    baseline_digest = any(_signed_by_digest(p, counts) for p in ctx.baseline_pubs)
    if params["require_digest"] or baseline_digest:
        by_tag = [p for p in pubs if not _signed_by_digest(p, counts)]
        if by_tag:
            why = (
                "the spec requires signing by digest"
                if params["require_digest"]
                else ("the current path signs by digest")
            )
            return Verdict(
                "not-met", f"{place(by_tag[0])} signs by tag, not by digest; {why}", evidence
            )
    kinds = sorted(
        {
            f"{p.signing.tool} {p.signing.mode} by {'digest' if p.signing.by_digest else 'tag'}"
            if p.signing
            else f"{p.provenance.kind}"
            if p.provenance
            else "?"
            for p in pubs
        }
    )
    baseline = (
        "no current path exists to compare with"
        if not ctx.baseline_pubs
        else (
            "the current path signs " + ("by digest" if baseline_digest else "by tag or not at all")
        )
    )
    return Verdict(
        "met", f"every publishing step is signed: {', '.join(kinds)}; {baseline}", evidence
    )


@check("failure_ownership")
def failure_ownership(ctx: EvalContext, params: dict[str, Any]) -> Verdict:
    pubs = ctx.candidate_pubs
    if not pubs:
        return unpublished(ctx, "there is no workflow whose failures someone could own")
    return configured_owners(ctx, "for failures of") or codeowners_cover(
        ctx, sorted({p.path for p in pubs} | {p.workflow for p in pubs}), "failures of"
    )
