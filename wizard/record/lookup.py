"""Which decision record is in force: the newest authentic record for the artifact."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.record.content import PREDICATE_TYPE
from wizard.record.errors import RecordUnusable
from wizard.record.store import RecordFiles, list_records, records_directory
from wizard.record.verify import Trust, VerifyResult, committed_time, verify_record
from wizard.repo import Repo


@dataclass
class RecordCheck:
    files: RecordFiles
    verified: VerifyResult


@dataclass
class RecordLookup:
    """The record in force (if any) and the records that failed verification."""

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
    """The release surfaces a record allows: a change's candidate (a derivation with the image
    assembly it was recorded with), or what a keep confirmed."""
    decision = predicate.get("decision", {})
    recorded = {str(s.get("surface")) for s in predicate.get("releaseSurface", [])}
    if decision.get("outcome") == "change":
        candidate = str(decision.get("candidate"))
        if candidate == "dual":
            return recorded | {"dockerfile-image", "nix-image"}
        if candidate == "nix-derivation":
            return {"nix-derivation"} | (recorded & {"dockerfile-image", "nix-image"})
        return {candidate}
    return recorded or {str(decision.get("currentAuthority"))}


def authorised_authority(predicate: dict[str, Any]) -> str | None:
    decision = predicate.get("decision", {})
    if not decision:
        return None
    key = "candidate" if decision.get("outcome") == "change" else "currentAuthority"
    return str(decision.get(key))


def _artifact_in_payload(verified: VerifyResult) -> str | None:
    statement = verified.statement or {}
    if statement.get("predicateType") != PREDICATE_TYPE:
        return None
    value = statement.get("predicate", {}).get("decision", {}).get("artifact")
    return str(value) if value is not None else None


def find_authorising(
    repo: Repo,
    records_dir: str,
    artifact: str | None,
    trust: Trust,
    trusted_ref: str | None = None,
) -> RecordLookup:
    """Verify the records newest first and stop at the first authentic one for `artifact`.

    Nothing unsigned decides: front matter is not consulted, only the verified payload. Keys are
    checked at the time the record was committed when it is already on `trusted_ref` (or HEAD
    when none is given); records new in the change under test are checked against the clock.
    """
    lookup = RecordLookup()
    directory = records_directory(repo.root, records_dir)
    for record in reversed(list_records(directory)):
        lookup.examined += 1
        if not record.complete:
            failed = VerifyResult(record.envelope).fail(
                f"envelope: {record.envelope.name} is missing"
            )
            lookup.rejected.append(RecordCheck(record, failed))
            continue
        if trust.allowed_signers is None and trust.openpgp_keyring is None:
            verified = VerifyResult(record.envelope).fail(
                "signature: no allowed signers are configured"
            )
        else:
            relative = str(record.envelope.relative_to(repo.root))
            at = committed_time(repo, relative, trusted_ref or "HEAD")
            verified = verify_record(record.envelope, trust=trust, at=at)
        if not verified.authentic:
            lookup.rejected.append(RecordCheck(record, verified))
            continue
        if _artifact_in_payload(verified) != artifact:
            continue
        lookup.authorising = RecordCheck(record, verified)
        break
    return lookup


def authority_in_force(repo: Repo, records_dir: str, artifact: str | None,
                       trust: Trust) -> str | None:
    """The authority the newest authentic record authorises; None when there is none or the
    trust roots cannot be read (the caller then falls back to today's scanned authority)."""
    try:
        lookup = find_authorising(repo, records_dir, artifact, trust)
    except RecordUnusable:
        return None
    return authorised_authority(lookup.predicate) if lookup.authorising else None
