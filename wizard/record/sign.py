"""`release-gate sign RECORD`: add the current maintainer's signature to an existing record."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from wizard.config import load_config
from wizard.record.answers import git_identity
from wizard.record.errors import DecisionRefused, RecordUnusable
from wizard.record.store import ENVELOPE_SUFFIX, markdown_for, replace_file
from wizard.record.verify import load_envelope
from wizard.repo import Repo
from wizard.signing import EnvelopeError, sign_envelope, signing_config


def envelope_path_of(record: Path) -> Path:
    """Accept either file of a record pair."""
    if record.name.endswith(".md"):
        return record.with_name(record.name[: -len(".md")] + ENVELOPE_SUFFIX)
    return record


def sign_record(record: Path) -> int:
    """Append a signature; return the number of signatures now on the record."""
    envelope_path = envelope_path_of(record.absolute())
    if not envelope_path.is_file():
        raise RecordUnusable(f"{envelope_path} does not exist")
    repo = Repo(envelope_path.parent)
    config = load_config(repo)
    try:
        envelope = load_envelope(envelope_path)
        statement = json.loads(envelope.payload)
    except (EnvelopeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DecisionRefused(
            f"{envelope_path.name} is not a valid record envelope ({exc}); refusing to sign it"
        ) from None
    markdown = markdown_for(envelope_path)
    subject = statement.get("subject", [{}])[0] if isinstance(statement, dict) else {}
    digest = hashlib.sha256(markdown.read_bytes()).hexdigest() if markdown.is_file() else None
    if not isinstance(subject, dict) or subject.get("digest", {}).get("sha256") != digest:
        raise DecisionRefused(
            f"{markdown.name} does not match the record's signed digest; "
            "refusing to sign a modified record"
        )
    identity = git_identity(repo.root)
    makers = statement.get("predicate", {}).get("decision", {}).get("decisionMakers", [])
    if identity is None or not any(f"<{identity.email}>" in str(m) for m in makers):
        who = identity.email if identity else "the current git user"
        raise DecisionRefused(
            f"{who} is not among the record's decision-makers ({', '.join(map(str, makers))})"
        )
    signed = sign_envelope(envelope, signing_config(repo.root), config.namespace)
    replace_file(envelope_path, (json.dumps(signed.to_json(), indent=2) + "\n").encode("utf-8"))
    return len(signed.signatures)
