"""Verify a decision record, in order, naming the first failure (exit 1) or unusable input (2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from wizard.config import Config, load_config
from wizard.record.content import PREDICATE_TYPE, STATEMENT_TYPE, excerpt_hash
from wizard.record.errors import RecordUnusable
from wizard.record.store import envelope_for, markdown_for
from wizard.repo import FileProblem, Repo, decode_text, git_succeeds, run_git
from wizard.signing import (
    EnvelopeError,
    TrustRootError,
    TrustRoots,
    VerificationError,
    VerifiedSignature,
    verify_envelope,
)
from wizard.signing.dsse import PAYLOAD_TYPE, Envelope

DriftKind = Literal["unchanged", "moved", "modified", "changed", "deleted"]


@dataclass(frozen=True)
class EvidenceCheck:
    path: str
    line: int | None
    state: DriftKind
    now_line: int | None = None

    @property
    def holds(self) -> bool:
        """Moved lines and edited files cited as a whole (no line) still hold."""
        return self.state in ("unchanged", "moved", "modified")

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.state == "moved":
            return f"{where} moved to line {self.now_line} (same text)"
        if self.state == "modified":
            return f"{where} was edited (cited as a whole file, it still exists)"
        if self.state == "changed":
            return f"{where} changed at HEAD (the recorded text is gone)"
        if self.state == "deleted":
            return f"{where} no longer exists at HEAD"
        return f"{where} unchanged"


@dataclass
class VerifyResult:
    envelope: Path
    ok: bool = False
    failure: str | None = None
    signers: list[VerifiedSignature] = field(default_factory=list)
    evidence: list[EvidenceCheck] = field(default_factory=list)
    statement: dict[str, Any] | None = None
    stage: str | None = None
    """The check that failed: envelope, signature, payload, signer, subject, commit, evidence."""

    @property
    def drift(self) -> list[EvidenceCheck]:
        return [e for e in self.evidence if e.state != "unchanged"]

    @property
    def authentic(self) -> bool:
        """Signed, by a decision-maker, about this Markdown and an ancestor of HEAD (evidence may
        have drifted since)."""
        return self.ok or self.stage == "evidence"

    def fail(self, reason: str) -> VerifyResult:
        self.ok, self.failure = False, reason
        self.stage = reason.split(":", 1)[0].split()[0]
        return self


@dataclass(frozen=True)
class Trust:
    """Where signer keys come from; in CI these are read from the protected base branch."""

    allowed_signers: Path | None
    openpgp_keyring: Path | None
    namespace: str
    threshold: int


def default_trust(repo: Repo, config: Config, allowed_signers: Path | None) -> Trust:
    signers = allowed_signers or repo.root / config.allowed_signers
    keyring = repo.root / config.openpgp_keyring
    return Trust(
        signers if signers.exists() else None,
        keyring if keyring.is_file() else None,
        config.namespace,
        config.threshold,
    )


def load_envelope(path: Path) -> Envelope:
    """Parse the envelope file; shape errors are invalid records, unreadable files unusable."""
    try:
        raw = decode_text(path.read_bytes())
    except (OSError, FileProblem) as exc:
        raise RecordUnusable(f"{path}: cannot be read ({exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EnvelopeError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    return Envelope.from_json(data)


def _email_of(person: str) -> str:
    return person[person.rfind("<") + 1 : person.rfind(">")] if "<" in person else person


def _check_statement(statement: Any) -> str | None:
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        return "the payload is not an in-toto Statement v1"
    if statement.get("predicateType") != PREDICATE_TYPE:
        return f"the predicate type is not {PREDICATE_TYPE}"
    predicate = statement.get("predicate")
    subjects = statement.get("subject")
    if not isinstance(predicate, dict) or not isinstance(subjects, list) or len(subjects) != 1:
        return "the statement has no single subject and predicate"
    if not isinstance(subjects[0], dict) or not isinstance(subjects[0].get("digest"), dict):
        return "the subject has no digest"
    decision = predicate.get("decision")
    if not isinstance(decision, dict) or not isinstance(decision.get("decisionMakers"), list):
        return "the predicate names no decision and decision-makers"
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def committed_time(repo: Repo, path: str, ref: str = "HEAD") -> datetime | None:
    """When `path` last changed in the history of `ref`; None when the working copy differs
    from `ref` (a record not committed there yet is checked against the clock)."""
    if repo.blob(path) != repo.blobs_at([path], ref).get(path):
        return None
    stamp = run_git(repo.root, "log", "-1", "--format=%cI", ref, "--", path).strip()
    return datetime.fromisoformat(stamp) if stamp else None


def check_evidence(repo: Repo, predicate: dict[str, Any]) -> list[EvidenceCheck]:
    """Each recorded evidence item against HEAD: same blob, same text elsewhere, or drift."""
    items: dict[tuple[str, int | None], dict[str, Any]] = {}
    for gate in _dicts(predicate.get("gates")):
        for requirement in _dicts(gate.get("requirements")):
            for item in _dicts(requirement.get("evidence")):
                lines = item.get("lines")
                line = lines[0] if isinstance(lines, list) and lines else None
                items.setdefault((str(item.get("path")), line if isinstance(line, int) else None),
                                 item)
    head = repo.blobs_at(sorted({path for path, _ in items}))
    texts: dict[str, list[str]] = {}
    results = []
    for (path, line), item in items.items():
        if path not in head:
            results.append(EvidenceCheck(path, line, "deleted"))
            continue
        if head[path] == item.get("blob"):
            results.append(EvidenceCheck(path, line, "unchanged"))
            continue
        if line is None:
            results.append(EvidenceCheck(path, line, "modified"))
            continue
        wanted = item.get("excerpt_sha256")
        if not wanted:
            results.append(EvidenceCheck(path, line, "changed"))
            continue
        if path not in texts:
            raw = run_git(repo.root, "cat-file", "blob", head[path])
            texts[path] = raw.split("\n")
        matches = [i + 1 for i, text in enumerate(texts[path]) if excerpt_hash(text) == wanted]
        if not matches:
            results.append(EvidenceCheck(path, line, "changed"))
        else:
            nearest = min(matches, key=lambda n: abs(n - (line or 0)))
            state: DriftKind = "unchanged" if nearest == line else "moved"
            results.append(EvidenceCheck(path, line, state, nearest))
    return results


def verify_record(
    envelope_path: Path,
    allowed_signers: Path | None = None,
    trust: Trust | None = None,
    at: datetime | None = None,
) -> VerifyResult:
    """Verify in the documented order; `trust` overrides where keys come from (CI base ref).

    Key validity windows are checked at `at`, by default when the record was last committed
    (so a key that expired later does not void what it signed while valid).
    """
    envelope_path = envelope_for(envelope_path.absolute())
    result = VerifyResult(envelope_path)
    if not envelope_path.is_file():
        raise RecordUnusable(f"{envelope_path} does not exist")
    if allowed_signers is not None and not allowed_signers.is_file():
        raise RecordUnusable(f"--allowed-signers {allowed_signers} does not exist")
    repo = Repo(envelope_path.parent)
    config = load_config(repo)
    trust = trust or default_trust(repo, config, allowed_signers)
    if at is None:
        at = committed_time(repo, str(envelope_path.relative_to(repo.root)))
    if trust.allowed_signers is None and trust.openpgp_keyring is None:
        raise RecordUnusable(
            f"no allowed signers: {config.allowed_signers} does not exist "
            "(pass --allowed-signers FILE)"
        )
    try:
        envelope = load_envelope(envelope_path)
    except EnvelopeError as exc:
        return result.fail(f"envelope: {exc}")
    if envelope.payload_type != PAYLOAD_TYPE:
        return result.fail(
            f"envelope: payload type is {envelope.payload_type!r}, not {PAYLOAD_TYPE}"
        )
    try:
        result.signers = verify_envelope(
            envelope, TrustRoots(trust.allowed_signers, trust.openpgp_keyring), trust.namespace, at
        )
    except TrustRootError as exc:
        raise RecordUnusable(str(exc)) from None
    except VerificationError as exc:
        return result.fail(f"signature: {exc}")
    principals = {s.principal for s in result.signers}
    if len(principals) < trust.threshold:
        return result.fail(
            f"signature: {len(principals)} distinct signer(s), the threshold is {trust.threshold}"
        )
    try:
        statement = json.loads(envelope.payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return result.fail("payload: not JSON")
    problem = _check_statement(statement)
    if problem:
        return result.fail(f"payload: {problem}")
    result.statement = statement
    predicate = statement["predicate"]
    makers = {
        _email_of(str(p)).lower() for p in predicate.get("decision", {}).get("decisionMakers", [])
    }
    outsiders = sorted(p for p in principals if _email_of(p).lower() not in makers)
    if outsiders:
        return result.fail(
            f"signer: {', '.join(outsiders)} is not among the record's decision-makers"
        )
    mismatch = subject_problem(statement, envelope_path)
    if mismatch:
        return result.fail(f"subject: {mismatch}")
    commit = predicate.get("repository", {}).get("commit")
    ancestry = _ancestry(repo, commit)
    if ancestry:
        return result.fail(f"commit: {ancestry}")
    result.evidence = check_evidence(repo, predicate)
    broken = [e for e in result.evidence if not e.holds]
    if broken:
        return result.fail("evidence drift: " + "; ".join(e.describe() for e in broken))
    result.ok = True
    return result


def statement_problem(statement: Any, envelope_path: Path) -> str | None:
    """Why the statement is not a well-formed record about the Markdown beside the envelope."""
    return _check_statement(statement) or subject_problem(statement, envelope_path)


def subject_problem(statement: dict[str, Any], envelope_path: Path) -> str | None:
    """Why the statement's subject is not the Markdown file beside the envelope, byte for byte."""
    subject = statement["subject"][0]
    markdown = markdown_for(envelope_path)
    if str(subject.get("name", "")).rsplit("/", 1)[-1] != markdown.name:
        return f"the statement is about {subject.get('name')!r}, not {markdown.name}"
    if not markdown.is_file():
        return f"{markdown.name} is missing"
    if subject["digest"].get("sha256") != hashlib.sha256(markdown.read_bytes()).hexdigest():
        return f"{markdown.name} does not match the signed digest"
    return None


def _ancestry(repo: Repo, commit: object) -> str | None:
    if not isinstance(commit, str) or not commit:
        return "the record names no evaluated commit"
    is_ancestor = git_succeeds(repo.root, "merge-base", "--is-ancestor", commit, "HEAD")
    if is_ancestor:
        return None
    if is_ancestor is False:
        return (
            f"the evaluated commit {commit[:12]} is not an ancestor of HEAD (a squash or rebase "
            "merge rewrites it: merge with a merge commit, or record the decision again)"
        )
    shallow = " (shallow clone: fetch more history)" if repo.info.shallow else ""
    return f"the evaluated commit {commit[:12]} is not in this repository{shallow}"
