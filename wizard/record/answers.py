"""Sign-offs: one per gate (agree or disagree with the tool's verdict, with a note).

The headless `decide` reads them from a YAML answers file; the TUI builds the same objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from wizard.gates.model import CandidateEvaluation
from wizard.gates.spec import GATE_IDS
from wizard.record.errors import AnswersError
from wizard.repo import FileProblem, decode_text, run_git
from wizard.yamlsafe import YamlProblem, YMap, load_yaml_strict

Verdict = Literal["agree", "disagree"]
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    def display(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass
class SignOff:
    gate: str
    verdict: Verdict
    note: str
    name: str
    email: str
    time: str


@dataclass
class Answers:
    signer: Person
    signoffs: dict[str, SignOff]
    decision_makers: list[Person] = field(default_factory=list)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def git_identity(repo_root: Path) -> Person | None:
    """`git config user.name` / `user.email`, when both are set."""
    name = run_git(repo_root, "config", "--get", "user.name", check=False).strip()
    email = run_git(repo_root, "config", "--get", "user.email", check=False).strip()
    return Person(name, email) if name and email else None


def validate_person(name: str, email: str, where: str) -> Person:
    if not name.strip():
        raise AnswersError(f"{where}: the name must not be empty")
    if not _EMAIL.match(email.strip()):
        raise AnswersError(f"{where}: {email!r} is not an email address")
    return Person(" ".join(name.split()), email.strip())


def note_required(verdict: Verdict, tool_status: str) -> bool:
    """A note is required when disagreeing, or when the tool itself could not decide."""
    return verdict == "disagree" or tool_status == "needs-review"


def validate_signoffs(
    signoffs: dict[str, SignOff], evaluation: CandidateEvaluation, where: str
) -> None:
    for gate in evaluation.gates:
        signoff = signoffs.get(gate.id)
        if signoff is None:
            raise AnswersError(
                f"{where}: `gates.{gate.id}` is missing (all six gates need a sign-off)"
            )
        if note_required(signoff.verdict, gate.status) and not signoff.note.strip():
            why = "you disagree" if signoff.verdict == "disagree" else "the verdict is needs-review"
            raise AnswersError(f"{where}: `gates.{gate.id}.note` is required because {why}")


def _person(value: object, key: str, where: str) -> Person:
    if not isinstance(value, YMap):
        raise AnswersError(f"{where}: `{key}` must be a mapping with name and email")
    for field_name in value:
        if field_name not in ("name", "email"):
            raise AnswersError(f"{where}: `{key}.{field_name}` is not a known key (name, email)")
    name, email = value.get("name"), value.get("email")
    if not isinstance(name, str) or not isinstance(email, str):
        raise AnswersError(f"{where}: `{key}` needs a name and an email")
    return validate_person(name, email, f"{where}: `{key}`")


def parse_answers(text: str, where: str, default_signer: Person | None) -> Answers:
    try:
        root = load_yaml_strict(text)
    except YamlProblem as exc:
        line = f":{exc.line}" if exc.line else ""
        raise AnswersError(f"{where}{line}: {exc.message}") from None
    if not isinstance(root, YMap):
        raise AnswersError(f"{where}: must be a mapping with `signer` and `gates`")
    for key in root:
        if key not in ("signer", "gates", "decision-makers"):
            raise AnswersError(
                f"{where}: `{key}` is not a known key (signer, gates, decision-makers)"
            )
    if "signer" in root:
        signer = _person(root["signer"], "signer", where)
    elif default_signer is not None:
        signer = default_signer
    else:
        raise AnswersError(
            f"{where}: `signer` is missing and git config user.name/user.email are not set"
        )
    gates = root.get("gates")
    if not isinstance(gates, YMap):
        raise AnswersError(f"{where}: `gates` must be a mapping of the six gate ids")
    signoffs: dict[str, SignOff] = {}
    now = utc_now()
    for gate_id in gates:
        if gate_id not in GATE_IDS:
            raise AnswersError(
                f"{where}: `gates.{gate_id}` is not a gate (known: {', '.join(GATE_IDS)})"
            )
    for gate_id in GATE_IDS:
        entry = gates.get(gate_id)
        key = f"gates.{gate_id}"
        if entry is None:
            raise AnswersError(f"{where}: `{key}` is missing (all six gates need a sign-off)")
        if not isinstance(entry, YMap):
            raise AnswersError(f"{where}: `{key}` must be a mapping with verdict and note")
        for name in entry:
            if name not in ("verdict", "note"):
                raise AnswersError(f"{where}: `{key}.{name}` is not a known key (verdict, note)")
        verdict = entry.get("verdict")
        if verdict not in ("agree", "disagree"):
            raise AnswersError(f"{where}: `{key}.verdict` must be agree or disagree")
        note = entry.get("note", "")
        if note is None:
            note = ""
        if not isinstance(note, str):
            raise AnswersError(f"{where}: `{key}.note` must be text")
        signoffs[gate_id] = SignOff(
            gate_id,
            "agree" if verdict == "agree" else "disagree",
            str(note).strip(),
            signer.name,
            signer.email,
            now,
        )
    makers = [signer]
    extra = root.get("decision-makers", [])
    if not isinstance(extra, list):
        raise AnswersError(f"{where}: `decision-makers` must be a list of name/email mappings")
    for index, raw in enumerate(extra):
        person = _person(raw, f"decision-makers[{index}]", where)
        if person.email not in {p.email for p in makers}:
            makers.append(person)
    return Answers(signer, signoffs, makers)


def load_answers(path: Path, default_signer: Person | None) -> Answers:
    try:
        if not path.is_file():
            raise FileProblem("does not exist or is not a file")
        text = decode_text(path.read_bytes())
    except (FileProblem, OSError) as exc:
        raise AnswersError(f"{path}: {exc}") from None
    return parse_answers(text, str(path), default_signer)
