"""Gate evaluations as JSON, an 80-column text table, or Markdown."""

from __future__ import annotations

import textwrap
from dataclasses import asdict
from typing import Any

from wizard.facts import Evidence, ScanResult
from wizard.gates.model import CANDIDATE_TITLES, CandidateEvaluation
from wizard.text import md_text, printable

STATUS_WORDS = {"met": "MET", "not-met": "NOT MET", "needs-review": "REVIEW"}
STATUS_SYMBOLS = {"met": "+", "not-met": "x", "needs-review": "?"}


def evaluation_json(scan: ScanResult, evaluations: list[CandidateEvaluation]) -> dict[str, Any]:
    data = scan.to_json()
    data["evaluation"] = [
        {
            "candidate": e.candidate,
            "title": CANDIDATE_TITLES[e.candidate],
            "current": e.current,
            "change_allowed": e.change_allowed,
            "gates": [
                {
                    "id": g.id,
                    "number": g.number,
                    "title": g.title,
                    "status": g.status,
                    "requirements": [asdict(r) for r in g.requirements],
                }
                for g in e.gates
            ],
        }
        for e in evaluations
    ]
    return data


def _verdict(evaluation: CandidateEvaluation) -> str:
    met = sum(1 for g in evaluation.gates if g.status == "met")
    if evaluation.current:
        return f"current authority, {met} of 6 gates met"
    allowed = "change allowed" if evaluation.change_allowed else "change NOT allowed"
    return f"{allowed}, {met} of 6 gates met"


def _locations(evidence: list[Evidence], limit: int = 4) -> str:
    shown = [printable(e.location(), single_line=True) for e in evidence[:limit]]
    more = len(evidence) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _wrap(text: str, indent: str, width: int = 80) -> list[str]:
    return textwrap.wrap(
        printable(text, single_line=True),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
    ) or [indent]


def text_report(scan: ScanResult, evaluations: list[CandidateEvaluation]) -> str:
    lines = [
        f"Artifact {printable(scan.artifact or 'unknown', single_line=True)}; current authority "
        f"{scan.authority.current}",
    ]
    for evaluation in evaluations:
        lines.append("")
        lines.append(f"== {CANDIDATE_TITLES[evaluation.candidate]}: {_verdict(evaluation)}")
        for gate in evaluation.gates:
            lines.append(f"Gate {gate.number} of 6  {gate.title:<26} {STATUS_WORDS[gate.status]}")
            for req in gate.requirements:
                prefix = f"  [{STATUS_SYMBOLS[req.status]}] {STATUS_WORDS[req.status]:<8} "
                text_lines = _wrap(req.text, " " * len(prefix))
                text_lines[0] = prefix + text_lines[0][len(prefix) :]
                lines.extend(text_lines)
                lines.extend(_wrap(req.reason, " " * 17))
                if req.evidence:
                    lines.extend(_wrap("at " + _locations(req.evidence), " " * 17))
    return "\n".join(lines) + "\n"


def markdown_report(scan: ScanResult, evaluations: list[CandidateEvaluation]) -> str:
    out = [
        f"# Release-authority gates for {md_text(scan.artifact or 'unknown')}",
        "",
        f"Current authority: **{scan.authority.current}**",
    ]
    if scan.repo.head:
        out.append(f"Evaluated commit: `{scan.repo.head}`")
    for evaluation in evaluations:
        out += ["", f"## {CANDIDATE_TITLES[evaluation.candidate]}: {_verdict(evaluation)}"]
        for gate in evaluation.gates:
            out += [
                "",
                f"### Gate {gate.number}: {gate.title} — {STATUS_WORDS[gate.status]}",
                "",
                "| Requirement | Status | Reason | Evidence |",
                "|---|---|---|---|",
            ]
            for req in gate.requirements:
                # Escaped plain text, not code spans: a backtick in a path would end the span.
                evidence = ", ".join(md_text(e.location()) for e in req.evidence[:6])
                out.append(
                    f"| {md_text(req.text)} | {STATUS_WORDS[req.status]} | {md_text(req.reason)} "
                    f"| {evidence} |"
                )
    return "\n".join(out) + "\n"
