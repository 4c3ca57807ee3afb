"""The release surface now against what the record in force authorised (or, without a record,
against a single unambiguous authority and the base branch's)."""

from __future__ import annotations

from typing import Any

from wizard.authority import is_release_surface, surface_of
from wizard.check.findings import Finding, Level
from wizard.facts import Publication, ScanResult
from wizard.record.lookup import authorised_surfaces
from wizard.record.verify import VerifyResult


def _image(pub: Publication) -> str | None:
    return pub.image_resolved or pub.image


def _same_publication(recorded: dict[str, Any], pub: Publication) -> bool:
    return (
        recorded.get("workflow") == pub.workflow
        and recorded.get("job") == pub.job
        and recorded.get("surface") == surface_of(pub)
        and recorded.get("image") == _image(pub)
    )


def _coverage(pub: Publication) -> dict[str, Any]:
    """A publication's coverage in the shape the record stores it."""
    return {
        "vulnScan": {"tool": pub.vuln_scan.tool, "blocking": pub.vuln_scan.blocking}
        if pub.vuln_scan else None,
        "signing": {"tool": pub.signing.tool, "byDigest": pub.signing.by_digest}
        if pub.signing else None,
        "provenance": {"kind": pub.provenance.kind} if pub.provenance else None,
    }


def _weaker(was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What `now` lacks of `was`, as phrases."""
    lost = []
    scan, now_scan = was.get("vulnScan"), now.get("vulnScan")
    if scan and not now_scan:
        lost.append(f"{scan.get('tool')} vulnerability scanning")
    elif scan and scan.get("blocking") and now_scan and not now_scan.get("blocking"):
        lost.append("a blocking vulnerability scan")
    signing, now_signing = was.get("signing"), now.get("signing")
    if signing and not now_signing:
        lost.append(f"{signing.get('tool')} signing")
    elif signing and signing.get("byDigest") and now_signing and not now_signing.get("byDigest"):
        lost.append("signing by digest")
    provenance = was.get("provenance")
    if provenance and not now.get("provenance"):
        lost.append(f"{provenance.get('kind')} provenance")
    return lost


def _weakest(recorded: list[dict[str, Any]]) -> dict[str, Any]:
    """The coverage every recorded publication had: the least a new one must carry."""
    def common(key: str, flag: str | None) -> dict[str, Any] | None:
        items = [r.get(key) for r in recorded]
        present = [i for i in items if isinstance(i, dict)]
        if not items or len(present) != len(items):
            return None
        kept = dict(present[0])
        if flag is not None:
            kept[flag] = all(bool(i.get(flag)) for i in present)
        return kept

    return {"vulnScan": common("vulnScan", "blocking"), "signing": common("signing", "byDigest"),
            "provenance": common("provenance", None)}


def compare(scan: ScanResult, verified: VerifyResult, record_id: str) -> list[Finding]:
    predicate = (verified.statement or {}).get("predicate", {})
    allowed = authorised_surfaces(predicate)
    surfaces = [p for p in scan.publications if is_release_surface(p)]
    findings = []
    for pub in surfaces:
        if surface_of(pub) not in allowed:
            findings.append(Finding(
                "error",
                f"{pub.workflow} publishes {scan.artifact} as {surface_of(pub)} "
                f"({_image(pub)}), which {record_id} does not authorise (it authorises "
                f"{', '.join(sorted(allowed))})",
                pub.path, pub.line,
            ))
    recorded = [r for r in predicate.get("releaseSurface", [])
                if isinstance(r, dict) and r.get("surface") in allowed]
    matched: list[Publication] = []
    for entry in recorded:
        match = next((p for p in surfaces if _same_publication(entry, p)), None)
        if match is None:
            findings.append(Finding(
                "warning", f"{entry.get('workflow')} ({entry.get('job')}) no longer publishes "
                f"{entry.get('image')} as it did for {record_id}", entry.get("path"),
                entry.get("line"),
            ))
            continue
        matched.append(match)
        findings.extend(
            Finding("error", f"security regression since {record_id}: {match.workflow} "
                    f"({match.job}) lost {lost}", match.path, match.line)
            for lost in _weaker(entry, _coverage(match))
        )
    floor = _weakest(recorded)
    for pub in surfaces:
        if surface_of(pub) in allowed and pub not in matched:
            findings.extend(
                Finding("error", f"{pub.workflow} ({pub.job}) publishes {scan.artifact} without "
                        f"{lost}, which every publication {record_id} authorised had",
                        pub.path, pub.line)
                for lost in _weaker(floor, _coverage(pub))
            )
    for item in verified.drift:
        level: Level = "notice" if item.holds else "warning"
        findings.append(Finding(level, f"evidence of {record_id}: {item.describe()}", item.path,
                                item.now_line or item.line))
    return findings


def without_record(scan: ScanResult, had_records: bool, base: ScanResult | None,
                   base_ref: str | None) -> list[Finding]:
    """No authentic record: one unambiguous authority passes unless it differs from the base
    branch's; a second publication surface fails."""
    current = scan.authority.current
    surfaces = [p for p in scan.publications if is_release_surface(p)]
    if current == "dual":
        kinds = sorted({surface_of(p) for p in surfaces})
        second = next(p for p in surfaces if surface_of(p) == kinds[-1])
        return [Finding(
            "error",
            f"{scan.artifact} is published through {len(kinds)} surfaces ({', '.join(kinds)}) "
            f"and no valid decision record authorises that; {second.workflow} publishes "
            f"{_image(second)} as {surface_of(second)}",
            second.path, second.line,
        )]
    if base is not None and current != "none" and base.authority.current != current:
        first = surfaces[0]
        return [Finding(
            "error",
            f"the release authority of {scan.artifact} changed from {base.authority.current} "
            f"(on {base_ref}) to {current} and no valid decision record authorises it",
            first.path, first.line,
        )]
    if had_records:
        return []
    return [Finding("notice", f"no decision record; {scan.artifact or 'the artifact'} has a "
                    f"single release authority ({current})")]


def unread_inputs(scan: ScanResult) -> list[Finding]:
    """What the scan could not read or resolve: a publication hidden there could be missed."""
    return [Finding("warning", f"scan problem (a publication here could be missed): "
                    f"{problem.message}", problem.path, problem.line)
            for problem in scan.problems]
