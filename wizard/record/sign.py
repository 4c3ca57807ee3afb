"""`release-gate sign RECORD`: add the current maintainer's signature to an existing record."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.config import load_config
from wizard.record.answers import git_identity
from wizard.record.errors import DecisionRefused, RecordUnusable
from wizard.record.store import envelope_for, replace_file
from wizard.record.verify import load_envelope, statement_problem
from wizard.repo import Repo
from wizard.signing import EnvelopeError, sign_envelope, signing_config


def sign_record(record: Path) -> int:
    """Append a signature; return the number of signatures now on the record."""
    envelope_path = envelope_for(record.absolute())
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
    problem = statement_problem(statement, envelope_path)
    if problem:
        raise DecisionRefused(f"{problem}; refusing to sign {envelope_path.name}")
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
