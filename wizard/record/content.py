"""What a decision record says: the in-toto Statement (signed) and the Markdown (for people)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import yaml

from wizard import __version__
from wizard.authority import is_release_surface, surface_of
from wizard.facts import Evidence, ScanResult
from wizard.gates.model import CANDIDATE_TITLES, CandidateEvaluation
from wizard.record.answers import Person, SignOff
from wizard.text import md_text

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://release-gate.dev/decision/v1"
VERIFIER_ID = "https://release-gate.dev/release-gate"

Decision = Literal["keep", "change"]
STATUS_WORDS = {"met": "met", "not-met": "not met", "needs-review": "needs review"}


@dataclass(frozen=True)
class EvidenceItem:
    """Evidence as recorded: enough to tell at HEAD whether it still holds."""

    path: str
    line: int | None
    blob: str | None
    excerpt_sha256: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "blob": self.blob,
            "lines": [self.line, self.line] if self.line else None,
            "excerpt_sha256": self.excerpt_sha256,
        }


def excerpt_hash(line_text: str) -> str:
    """Hash of a line with surrounding whitespace ignored, so re-indented lines still match."""
    return hashlib.sha256(line_text.strip().encode("utf-8")).hexdigest()


@dataclass
class RecordContent:
    number: int
    scan: ScanResult
    evaluation: CandidateEvaluation
    decision: Decision
    signoffs: dict[str, SignOff]
    decision_makers: list[Person]
    supersedes: list[str]
    evidence: dict[tuple[str, int | None], EvidenceItem]
    policy_sha256: str
    date: str
    time: str
    records_dir: str

    @property
    def record_id(self) -> str:
        return f"RA-{self.number:04d}"

    @property
    def title(self) -> str:
        artifact = self.scan.artifact or "the artifact"
        current = self.scan.authority.current
        candidate = self.evaluation.candidate
        if self.decision == "change":
            return f"Change the release authority of {artifact} to the {_title(candidate)}"
        if candidate == current:
            return f"Confirm the {_title(current)} as release authority of {artifact}"
        return (
            f"Keep the current release authority of {artifact} ({current}); "
            f"do not move to the {_title(candidate)}"
        )


def _title(candidate: str) -> str:
    return CANDIDATE_TITLES.get(candidate, candidate).lower()


def _evidence_json(content: RecordContent, evidence: list[Evidence]) -> list[dict[str, Any]]:
    return [content.evidence[(e.path, e.line)].to_json() for e in evidence]


def statement(content: RecordContent, subject_name: str, subject_sha256: str) -> dict[str, Any]:
    """The in-toto Statement v1, shaped like a SLSA verification summary."""
    evaluation = content.evaluation
    scan = content.scan
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": subject_name, "digest": {"sha256": subject_sha256}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "verifier": {"id": VERIFIER_ID, "version": {"release-gate": __version__}},
            "timeVerified": content.time,
            "policy": {"uri": "release-gate:gates/v1", "digest": {"sha256": content.policy_sha256}},
            "repository": {
                "commit": scan.repo.head,
                "branch": scan.repo.branch,
            },
            "decision": {
                "id": content.record_id,
                "outcome": content.decision,
                "artifact": scan.artifact,
                "currentAuthority": scan.authority.current,
                "candidate": evaluation.candidate,
                "supersedes": content.supersedes,
                "decisionMakers": [p.display() for p in content.decision_makers],
            },
            "releaseSurface": release_surface(scan),
            "gates": [
                {
                    "id": gate.id,
                    "number": gate.number,
                    "title": gate.title,
                    "status": gate.status,
                    "requirements": [
                        {
                            "id": req.id,
                            "text": req.text,
                            "check": req.check,
                            "status": req.status,
                            "reason": req.reason,
                            "evidence": _evidence_json(content, req.evidence),
                        }
                        for req in gate.requirements
                    ],
                    "signoff": _signoff_json(content.signoffs[gate.id]),
                }
                for gate in evaluation.gates
            ],
            "verificationResult": "PASSED" if evaluation.change_allowed else "FAILED",
            "verifiedLevels": [
                f"RELEASE_GATE_{gate.id.upper().replace('-', '_')}_{gate.status.upper()}"
                for gate in evaluation.gates
            ],
        },
    }


def release_surface(scan: ScanResult) -> list[dict[str, Any]]:
    """What publishes the artifact at the evaluated commit, with its security coverage, so CI can
    tell later whether a new surface appeared or coverage regressed."""
    return [
        {
            "kind": pub.kind,
            "surface": surface_of(pub),
            "workflow": pub.workflow,
            "job": pub.job,
            "path": pub.path,
            "line": pub.line,
            "image": pub.image_resolved or pub.image,
            "buildSource": {"kind": pub.build_source.kind, "ref": pub.build_source.ref},
            "vulnScan": {"tool": pub.vuln_scan.tool, "blocking": pub.vuln_scan.blocking}
            if pub.vuln_scan
            else None,
            "signing": {
                "tool": pub.signing.tool,
                "mode": pub.signing.mode,
                "byDigest": pub.signing.by_digest,
            }
            if pub.signing
            else None,
            "provenance": {"kind": pub.provenance.kind} if pub.provenance else None,
        }
        for pub in scan.publications
        if is_release_surface(pub)
    ]


def _signoff_json(signoff: SignOff) -> dict[str, Any]:
    return {
        "name": signoff.name,
        "email": signoff.email,
        "time": signoff.time,
        "verdict": signoff.verdict,
        "note": signoff.note,
    }


def statement_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _link(content: RecordContent, evidence: Evidence) -> str:
    """A relative link from the record to the evidence; the target is percent-encoded whole so
    no path (newlines, brackets, HTML) can break out of the link."""
    depth = len([p for p in content.records_dir.split("/") if p not in ("", ".")])
    target = quote("../" * depth + evidence.path, safe="/._-~")
    anchor = f"#L{evidence.line}" if evidence.line else ""
    return f"[{md_text(evidence.location())}]({target}{anchor})"


def front_matter(content: RecordContent, attestation: str) -> dict[str, Any]:
    scan = content.scan
    return {
        "id": content.record_id,
        "title": content.title,
        "status": "accepted",
        "date": content.date,
        "decision-makers": [p.display() for p in content.decision_makers],
        "artifact": scan.artifact,
        "current-authority": scan.authority.current,
        "candidate": content.evaluation.candidate,
        "decision": content.decision,
        "evaluated-commit": scan.repo.head,
        "gates": {g.id: g.status for g in content.evaluation.gates},
        "supersedes": content.supersedes,
        "attestation": attestation,
    }


def markdown(content: RecordContent, attestation: str) -> str:
    evaluation = content.evaluation
    scan = content.scan
    header = yaml.safe_dump(
        front_matter(content, attestation), sort_keys=False, allow_unicode=True, width=1000
    )
    met = sum(1 for g in evaluation.gates if g.status == "met")
    outcome = (
        f"change the release authority to the {_title(evaluation.candidate)}"
        if content.decision == "change"
        else f"keep the current release authority ({scan.authority.current})"
    )
    lines = [
        "---",
        header.rstrip("\n"),
        "---",
        "",
        f"# {content.record_id}: {md_text(content.title)}",
        "",
        "## Context and Problem Statement",
        "",
        f"{md_text(scan.artifact or 'The artifact')} is released today through "
        f"**{scan.authority.current}**. This record reviews the six release-authority gates for "
        f"the **{md_text(CANDIDATE_TITLES[evaluation.candidate])}** against commit "
        f"`{scan.repo.head}` and records the decision of "
        f"{md_text(', '.join(p.display() for p in content.decision_makers))}.",
        "",
        "## Decision Outcome",
        "",
        f"Chosen option: **{outcome}**. Gates met for the candidate: {met} of 6.",
    ]
    if content.supersedes:
        lines += ["", f"Supersedes: {', '.join(content.supersedes)}."]
    for gate in evaluation.gates:
        signoff = content.signoffs[gate.id]
        lines += [
            "",
            f"## Gate {gate.number}: {md_text(gate.title)} — {STATUS_WORDS[gate.status]}",
            "",
            "| Requirement | Status | Reason | Evidence |",
            "|---|---|---|---|",
        ]
        for req in gate.requirements:
            links = ", ".join(_link(content, e) for e in req.evidence) or "—"
            lines.append(
                f"| {md_text(req.text)} | {STATUS_WORDS[req.status]} | {md_text(req.reason)} "
                f"| {links} |"
            )
        verdict = "agrees with" if signoff.verdict == "agree" else "disagrees with"
        note = f" Note: {md_text(signoff.note)}" if signoff.note else ""
        lines += [
            "",
            f"Sign-off: {md_text(signoff.name)} ({md_text(signoff.email)}) {verdict} the "
            f"verdict on {signoff.time}.{note}",
        ]
    lines += [
        "",
        "## Confirmation",
        "",
        "The signed attestation next to this file binds it to the evaluated commit and the "
        "evidence above. Check it with:",
        "",
        "```sh",
        f"release-gate verify {content.records_dir}/{attestation}",
        "```",
        "",
    ]
    return "\n".join(lines)
