"""A review in progress: the candidate, the decision and the sign-offs given so far.

The wizard saves the draft after every change so that a crash or a closed terminal loses nothing.
One draft per repository lives in the user's state directory (`XDG_STATE_HOME` is honoured), named
after the SHA-256 of the repository root. Each answer remembers the tool's verdict at the time it
was given, so a resumed review can say which verdicts changed since (for example after HEAD moved).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from wizard.config import Config
from wizard.facts import ScanResult
from wizard.gates.model import CANDIDATES, CandidateEvaluation, GateResult
from wizard.gates.spec import GATE_IDS, Spec
from wizard.record.answers import (
    Person,
    SignOff,
    Verdict,
    note_required,
    utc_now,
    validate_person,
)
from wizard.record.content import Decision
from wizard.record.errors import AnswersError
from wizard.record.store import replace_file

if TYPE_CHECKING:
    from wizard.record.write import DecisionRequest

SCHEMA = "release-gate.draft/v1"
STATUSES = ("met", "not-met", "needs-review")
# A draft is a few kilobytes; anything far larger is not one of ours.
MAX_DRAFT_BYTES = 1_000_000


class DraftError(Exception):
    """A saved draft cannot be used; the message names the file and the reason."""


@dataclass
class GateAnswer:
    """The maintainer's answer for one gate; `verdict` is None until agree/disagree is chosen."""

    gate: str
    verdict: Verdict | None
    note: str
    name: str
    email: str
    time: str
    tool_status: str  # the tool's verdict for the gate when this answer was last given


@dataclass
class Draft:
    repo_root: str
    head: str | None
    artifact: str | None
    candidate: str
    decision: Decision = "keep"
    signer: Person | None = None
    answers: dict[str, GateAnswer] = field(default_factory=dict)
    saved: str | None = None


@dataclass(frozen=True)
class VerdictChange:
    gate: str
    number: int
    title: str
    then: str
    now: str


@dataclass(frozen=True)
class Missing:
    """A gate whose sign-off cannot go into a record yet, and why."""

    gate: str
    number: int
    title: str
    reason: str


def drafts_dir() -> Path:
    return Path(platformdirs.user_state_dir("release-gate")) / "drafts"


def draft_path(repo_root: str) -> Path:
    return drafts_dir() / f"{hashlib.sha256(repo_root.encode('utf-8')).hexdigest()}.json"


def new_draft(scan: ScanResult, candidate: str, signer: Person | None) -> Draft:
    return Draft(scan.repo.root, scan.repo.head, scan.artifact, candidate, "keep", signer)


def set_answer(
    draft: Draft, gate: GateResult, verdict: Verdict | None, note: str, name: str, email: str
) -> GateAnswer:
    """Record the answer as given now, against the tool's current verdict for the gate."""
    answer = GateAnswer(gate.id, verdict, note, name, email, utc_now(), gate.status)
    draft.answers[gate.id] = answer
    if name.strip() and email.strip():
        draft.signer = Person(name.strip(), email.strip())
    return answer


def signoffs(draft: Draft) -> dict[str, SignOff]:
    """The answers with a verdict, as the record's sign-offs."""
    return {
        gate_id: SignOff(
            gate_id, a.verdict, a.note.strip(), a.name.strip(), a.email.strip(), a.time
        )
        for gate_id, a in draft.answers.items()
        if a.verdict is not None
    }


def verdict_changes(draft: Draft, evaluation: CandidateEvaluation) -> list[VerdictChange]:
    """Gates whose tool verdict differs from the one the maintainer answered."""
    changes = []
    for gate in evaluation.gates:
        answer = draft.answers.get(gate.id)
        if answer is not None and answer.verdict is not None and answer.tool_status != gate.status:
            changes.append(
                VerdictChange(gate.id, gate.number, gate.title, answer.tool_status, gate.status)
            )
    return changes


def missing(draft: Draft, evaluation: CandidateEvaluation) -> list[Missing]:
    """Every gate that still needs the maintainer before a record can be written."""
    out = []
    changed = {c.gate: c for c in verdict_changes(draft, evaluation)}
    for gate in evaluation.gates:
        answer = draft.answers.get(gate.id)
        reason = None
        if answer is None or answer.verdict is None:
            reason = "no sign-off yet"
        elif gate.id in changed:
            change = changed[gate.id]
            reason = (
                f"the tool's verdict changed from {change.then} to {change.now} since the "
                "sign-off; review it again"
            )
        elif note_required(answer.verdict, gate.status) and not answer.note.strip():
            reason = (
                "a note is required because you disagree"
                if answer.verdict == "disagree"
                else "a note is required because the verdict is needs-review"
            )
        else:
            reason = _person_problem(answer)
        if reason:
            out.append(Missing(gate.id, gate.number, gate.title, reason))
    return out


def _person_problem(answer: GateAnswer) -> str | None:
    """Why the answer's name and email cannot sign a record (the form saves every keystroke)."""
    try:
        validate_person(answer.name, answer.email, "name/email invalid")
    except AnswersError as exc:
        return str(exc)
    return None


def decision_makers(draft: Draft) -> list[Person]:
    """Everyone who signed off a gate, in gate order, each once."""
    people: list[Person] = []
    for gate_id in GATE_IDS:
        answer = draft.answers.get(gate_id)
        if answer is None or answer.verdict is None:
            continue
        person = Person(" ".join(answer.name.split()), answer.email.strip())
        if person.email not in {p.email for p in people}:
            people.append(person)
    return people


def decision_request(
    draft: Draft,
    scan: ScanResult,
    config: Config,
    spec: Spec,
    evaluation: CandidateEvaluation,
    decision: Decision,
) -> DecisionRequest:
    """The request `wizard.record.write_decision` takes, built from the draft's answers."""
    # Imported here: the record writer (and the verifier it needs) is not needed until the
    # review is decided, and the wizard's screens import this module at start.
    from wizard.record.write import DecisionRequest

    return DecisionRequest(
        scan=scan,
        config=config,
        spec=spec,
        evaluation=evaluation,
        decision=decision,
        signoffs=signoffs(draft),
        decision_makers=decision_makers(draft),
    )


def change_refusal(
    draft: Draft, scan: ScanResult, config: Config, spec: Spec, evaluation: CandidateEvaluation
) -> str | None:
    """Why "change to the candidate" cannot be recorded from this draft; None when it can.

    While any sign-off is missing, whatever the candidate, the answer is that it is missing:
    the record API (`refusal`) is only asked about a complete draft, as a record needs one.
    """
    if missing(draft, evaluation):
        return "every gate needs a complete sign-off first"
    from wizard.record.write import refusal

    return refusal(decision_request(draft, scan, config, spec, evaluation, "change"))


def save_draft(draft: Draft) -> Path:
    """Write the draft atomically (temp file + rename) and return its path."""
    draft.saved = utc_now()
    path = draft_path(draft.repo_root)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = {"schema": SCHEMA, **asdict(draft)}
    replace_file(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
    return path


def delete_draft(repo_root: str) -> None:
    draft_path(repo_root).unlink(missing_ok=True)


def load_draft(repo_root: str) -> Draft | None:
    """The saved draft for `repo_root`, None when there is none; DraftError when unusable."""
    path = draft_path(repo_root)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_DRAFT_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DraftError(f"saved draft {path} cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_DRAFT_BYTES:
        raise DraftError(f"saved draft {path} is over {MAX_DRAFT_BYTES} bytes; ignored")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DraftError(f"saved draft {path} is not valid JSON ({exc}); ignored") from None
    try:
        draft = _parse(data)
    except _Shape as exc:
        raise DraftError(f"saved draft {path}: {exc}; ignored") from None
    if draft.repo_root != repo_root:
        raise DraftError(f"saved draft {path} belongs to {draft.repo_root}; ignored")
    return draft


class _Shape(Exception):
    """The JSON does not have the draft's shape."""


def _text(data: dict[str, Any], key: str, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Shape(f"`{key}` must be text")
    return value


def _choice(
    data: dict[str, Any], key: str, allowed: tuple[str, ...], optional: bool = False
) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if value not in allowed:
        raise _Shape(f"`{key}` must be one of {', '.join(allowed)}")
    return value


def _parse(data: Any) -> Draft:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise _Shape(f"it is not a {SCHEMA} document")
    signer_data = data.get("signer")
    signer = None
    if signer_data is not None:
        if not isinstance(signer_data, dict):
            raise _Shape("`signer` must be a mapping with name and email")
        signer = Person(_text(signer_data, "name"), _text(signer_data, "email"))
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, dict):
        raise _Shape("`answers` must be a mapping of gate ids")
    answers = {}
    for gate_id, entry in raw_answers.items():
        if gate_id not in GATE_IDS or not isinstance(entry, dict):
            raise _Shape(f"`answers.{gate_id}` is not an answer for one of the six gates")
        answers[gate_id] = GateAnswer(
            gate=gate_id,
            verdict=_choice(entry, "verdict", ("agree", "disagree"), optional=True),
            note=_text(entry, "note"),
            name=_text(entry, "name"),
            email=_text(entry, "email"),
            time=_text(entry, "time"),
            tool_status=_choice(entry, "tool_status", STATUSES),
        )
    return Draft(
        repo_root=_text(data, "repo_root"),
        head=_text(data, "head", optional=True),
        artifact=_text(data, "artifact", optional=True),
        candidate=_choice(data, "candidate", CANDIDATES),
        decision=_choice(data, "decision", ("keep", "change")),
        signer=signer,
        answers=answers,
        saved=_text(data, "saved", optional=True),
    )
