"""Write a decision record: the one code path shared by the TUI and `release-gate decide`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wizard.config import Config
from wizard.facts import Evidence, ScanResult
from wizard.gates.model import CandidateEvaluation
from wizard.gates.spec import Spec
from wizard.record.answers import Person, SignOff, validate_signoffs
from wizard.record.commit import commit_record
from wizard.record.content import (
    Decision,
    EvidenceItem,
    RecordContent,
    excerpt_hash,
    markdown,
    statement,
    statement_bytes,
)
from wizard.record.errors import CommitError, DecisionRefused
from wizard.record.lookup import authority_in_force
from wizard.record.store import (
    ENVELOPE_SUFFIX,
    list_records,
    next_number,
    read_front_matter,
    records_directory,
    slugify,
    write_new_files,
)
from wizard.record.verify import default_trust
from wizard.repo import FileProblem, Repo, run_git
from wizard.signing import sign_envelope, signing_config
from wizard.signing.dsse import PAYLOAD_TYPE, Envelope


@dataclass(frozen=True)
class WrittenRecord:
    record_id: str
    markdown: Path
    envelope: Path
    signed: bool
    commit: str | None


@dataclass
class DecisionRequest:
    scan: ScanResult
    config: Config
    spec: Spec
    evaluation: CandidateEvaluation
    decision: Decision
    signoffs: dict[str, SignOff]
    decision_makers: list[Person]
    supersedes: list[str] | None = None
    authorised: str | None = None
    """The authority the record in force authorises; None means today's (scanned) authority."""


def refusal(request: DecisionRequest) -> str | None:
    """Why the decision may not be recorded, or None when it may."""
    evaluation = request.evaluation
    if request.scan.repo.head is None:
        return "the repository has no commit to evaluate; commit first"
    if request.decision == "change":
        if request.authorised is None:
            repo = Repo(request.scan.repo.root)
            in_force = authority_in_force(
                repo,
                request.config.records_dir,
                request.scan.artifact,
                default_trust(repo, request.config, None),
            )
            request.authorised = in_force or request.scan.authority.current
        baseline = request.authorised
        if evaluation.candidate == baseline:
            return (
                f"{evaluation.candidate} is already the release authority; record a keep "
                "decision to confirm it"
            )
        unmet = [g for g in evaluation.gates if g.status != "met"]
        if unmet:
            listed = ", ".join(f"gate {g.number} {g.title} is {g.status}" for g in unmet)
            return (
                f"a change of authority needs all six gates met for {evaluation.candidate}: "
                f"{listed}"
            )
        disagreed = [
            g
            for g in evaluation.gates
            if g.id in request.signoffs and request.signoffs[g.id].verdict == "disagree"
        ]
        if disagreed:
            return (
                "a change of authority needs agreement on every gate; disagreement on "
                + ", ".join(f"gate {g.number} {g.title}" for g in disagreed)
            )
    return None


def collect_evidence(
    repo: Repo, evaluation: CandidateEvaluation
) -> dict[tuple[str, int | None], EvidenceItem]:
    """Each evidence item with its blob and line excerpt, all as committed at HEAD and as the
    scan saw them (a commit between scan and write would bind other lines)."""
    wanted: list[Evidence] = [
        e for g in evaluation.gates for r in g.requirements for e in r.evidence
    ]
    paths = sorted({e.path for e in wanted})
    committed = repo.blobs_at(paths)
    texts: dict[str, list[str]] = {}
    items: dict[tuple[str, int | None], EvidenceItem] = {}
    for ev in wanted:
        if ev.path not in committed:
            raise DecisionRefused(
                f"evidence file {ev.path} is not committed at HEAD; commit it so "
                "the record can point at it"
            )
        if ev.path not in texts:
            try:
                text = repo.read_text(ev.path)
            except FileProblem as exc:
                raise DecisionRefused(f"evidence file {ev.path}: {exc}") from None
            if repo.blob(ev.path) != committed[ev.path]:
                raise DecisionRefused(
                    f"evidence file {ev.path} has uncommitted changes; commit "
                    "or stash them so the record matches HEAD"
                )
            if ev.blob is not None and ev.blob != committed[ev.path]:
                raise DecisionRefused(
                    f"evidence file {ev.path} changed since the scan; scan again"
                )
            texts[ev.path] = text.split("\n")
        lines = texts[ev.path]
        excerpt = lines[ev.line - 1] if ev.line and 0 < ev.line <= len(lines) else None
        items[(ev.path, ev.line)] = EvidenceItem(
            path=ev.path,
            line=ev.line,
            blob=committed[ev.path],
            excerpt_sha256=excerpt_hash(excerpt) if excerpt is not None else None,
        )
    return items


def _policy_digest(spec: Spec) -> str:
    data = [
        {
            "id": g.id,
            "requirements": [
                {"id": r.id, "text": r.text, "check": r.check, "params": r.params}
                for r in g.requirements
            ],
        }
        for g in spec.gates
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def changed_release_files(repo: Repo, config: Config) -> list[str]:
    """Working-tree changes (tracked or untracked) in files the scan reads to find the release
    surface: a record must describe its evaluated commit, not a working copy."""
    # Not into submodules: their own config (filter drivers) is beyond the overrides. A flag,
    # not diff.ignoreSubmodules: the repository's submodule.<name>.ignore outranks that setting.
    status = run_git(
        repo.root, "status", "--porcelain=v1", "-z", "-uall", "--ignore-submodules=dirty"
    )
    paths = [entry[3:] for entry in status.split("\0") if len(entry) > 3]
    records = config.records_dir.rstrip("/") + "/"
    return [
        p for p in paths
        if not p.startswith(records)
        and (
            p.startswith((config.workflows_dir.rstrip("/") + "/", ".github/"))
            or p == config.flake_path
            or p.endswith((".tf", ".tfvars", ".tfvars.json", ".sh", ".md", "CODEOWNERS"))
            or p == ".release-gate.yaml"
        )
    ]


def default_supersedes(directory: Path, artifact: str | None) -> list[str]:
    """The newest earlier record for the same artifact, which a new decision replaces."""
    for record in reversed(list_records(directory)):
        meta = read_front_matter(record.markdown)
        if meta is not None and str(meta.get("artifact")) == str(artifact):
            return [record.record_id]
    return []


def write_decision(
    request: DecisionRequest, sign: bool, commit: bool, now: datetime | None = None
) -> WrittenRecord:
    """Validate, render, optionally sign and commit one record; all or nothing."""
    validate_signoffs(request.signoffs, request.evaluation, "sign-offs")
    reason = refusal(request)
    if reason:
        raise DecisionRefused(reason)
    repo = Repo(request.scan.repo.root)
    if repo.info.head != request.scan.repo.head:
        raise DecisionRefused(
            f"HEAD moved since the scan ({request.scan.repo.head} -> {repo.info.head}); "
            "scan again so the record describes the commit it names"
        )
    unsettled = changed_release_files(repo, request.config)
    if unsettled:
        raise DecisionRefused(
            f"uncommitted changes in {', '.join(unsettled[:5])}; commit or stash them so the "
            "record describes the evaluated commit"
        )
    signing = signing_config(repo.root) if sign or commit else None
    evidence = collect_evidence(repo, request.evaluation)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    directory = records_directory(repo.root, request.config.records_dir)
    number = next_number(directory)
    candidate = request.evaluation.candidate
    slug = (
        slugify(request.decision, candidate)
        if request.decision == "keep"
        else slugify("change-to", candidate)
    )
    supersedes = (
        request.supersedes
        if request.supersedes is not None
        else default_supersedes(directory, request.scan.artifact)
    )
    content = RecordContent(
        number=number,
        scan=request.scan,
        evaluation=request.evaluation,
        decision=request.decision,
        signoffs=request.signoffs,
        decision_makers=request.decision_makers,
        supersedes=supersedes,
        evidence=evidence,
        policy_sha256=_policy_digest(request.spec),
        date=moment.date().isoformat(),
        time=moment.isoformat().replace("+00:00", "Z"),
        records_dir=request.config.records_dir,
    )
    base = f"{number:04d}-{slug}"
    attestation = base + ENVELOPE_SUFFIX
    markdown_bytes = markdown(content, attestation).encode("utf-8")
    subject = f"{request.config.records_dir}/{base}.md"
    payload = statement_bytes(
        statement(content, subject, hashlib.sha256(markdown_bytes).hexdigest())
    )
    envelope = Envelope(payload, PAYLOAD_TYPE, [])
    if sign and signing is not None:
        envelope = sign_envelope(envelope, signing, request.config.namespace)
    envelope_bytes = (json.dumps(envelope.to_json(), indent=2) + "\n").encode("utf-8")
    md_path, env_path = directory / f"{base}.md", directory / attestation
    try:
        write_new_files([(md_path, markdown_bytes), (env_path, envelope_bytes)])
    except OSError as exc:
        raise DecisionRefused(f"cannot write the record in {directory}: {exc.strerror}") from None
    commit_sha = None
    if commit:
        try:
            commit_sha = commit_record(
                repo.root, [md_path, env_path], content.record_id, content.title
            )
        except CommitError:
            md_path.unlink(missing_ok=True)
            env_path.unlink(missing_ok=True)
            raise
    return WrittenRecord(
        content.record_id, md_path, env_path, bool(envelope.signatures), commit_sha
    )
