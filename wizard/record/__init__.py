"""Decision records: write (shared by the TUI and `decide`), sign, verify."""

from wizard.record.answers import (
    Answers,
    Person,
    SignOff,
    git_identity,
    load_answers,
    note_required,
    utc_now,
)
from wizard.record.errors import AnswersError, CommitError, DecisionRefused, RecordUnusable
from wizard.record.sign import sign_record
from wizard.record.verify import VerifyResult, verify_record
from wizard.record.write import DecisionRequest, WrittenRecord, write_decision

__all__ = [
    "Answers",
    "AnswersError",
    "CommitError",
    "DecisionRefused",
    "DecisionRequest",
    "Person",
    "RecordUnusable",
    "SignOff",
    "VerifyResult",
    "WrittenRecord",
    "git_identity",
    "load_answers",
    "note_required",
    "sign_record",
    "utc_now",
    "verify_record",
    "write_decision",
]
