"""Which decision record is in force: the newest authentic record for the artifact."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.record.content import PREDICATE_TYPE
from wizard.record.store import RecordFiles, list_records, read_front_matter
from wizard.record.verify import Trust, VerifyResult, verify_record
from wizard.repo import Repo


@dataclass
class RecordCheck:
    files: RecordFiles
    verified: VerifyResult


@dataclass
class RecordLookup:
    """The record in force (if any) and the newer records that failed verification."""

    authorising: RecordCheck | None = None
    rejected: list[RecordCheck] = field(default_factory=list)
    examined: int = 0

    @property
    def predicate(self) -> dict[str, Any]:
        if self.authorising is None or self.authorising.verified.statement is None:
            return {}
        predicate = self.authorising.verified.statement.get("predicate", {})
        return predicate if isinstance(predicate, dict) else {}


def authorised_surfaces(predicate: dict[str, Any]) -> set[str]:
    """The release surfaces a record allows: a change's candidate, or what a keep confirmed."""
    decision = predicate.get("decision", {})
    recorded = {str(s.get("surface")) for s in predicate.get("releaseSurface", [])}
    if decision.get("outcome") == "change":
        candidate = str(decision.get("candidate"))
        if candidate == "dual":
            return recorded | {"dockerfile-image", "nix-image"}
        return {candidate}
    return recorded or {str(decision.get("currentAuthority"))}


def authorised_authority(predicate: dict[str, Any]) -> str | None:
    decision = predicate.get("decision", {})
    if not decision:
        return None
    key = "candidate" if decision.get("outcome") == "change" else "currentAuthority"
    return str(decision.get(key))


def _artifact_in_front_matter(record: RecordFiles) -> str | None:
    meta = read_front_matter(record.markdown)
    return str(meta.get("artifact")) if meta is not None and "artifact" in meta else None


def _artifact_in_payload(verified: VerifyResult) -> str | None:
    statement = verified.statement or {}
    if statement.get("predicateType") != PREDICATE_TYPE:
        return None
    value = statement.get("predicate", {}).get("decision", {}).get("artifact")
    return str(value) if value is not None else None


def find_authorising(repo: Repo, records_dir: str, artifact: str | None,
                     trust: Trust) -> RecordLookup:
    """Walk the records newest first; stop at the first authentic one for `artifact`."""
    lookup = RecordLookup()
    candidates = [r for r in reversed(list_records(repo.root / records_dir))
                  if _artifact_in_front_matter(r) in (None, artifact)]
    for record in candidates:
        lookup.examined += 1
        if not record.complete:
            failed = VerifyResult(record.envelope).fail(
                f"envelope: {record.envelope.name} is missing")
            lookup.rejected.append(RecordCheck(record, failed))
            continue
        if trust.allowed_signers is None and trust.openpgp_keyring is None:
            verified = VerifyResult(record.envelope).fail(
                "signature: no allowed signers are configured")
        else:
            verified = verify_record(record.envelope, trust=trust)
        if not verified.authentic:
            lookup.rejected.append(RecordCheck(record, verified))
            continue
        if _artifact_in_payload(verified) not in (None, artifact):
            continue
        lookup.authorising = RecordCheck(record, verified)
        break
    return lookup
