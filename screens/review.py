"""Everything the wizard knows about one review.

`screens.loader.load_review` builds it (in a child process, see `screens.scan_process`); the
screens only read it and pass the maintainer's answers back through `Review.answer`, which saves
the draft after every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from wizard.config import Config
from wizard.draft import (
    Draft,
    VerdictChange,
    change_refusal,
    decision_request,
    new_draft,
    save_draft,
    set_answer,
)
from wizard.facts import Fact, ScanResult
from wizard.gates.model import CANDIDATES, CandidateEvaluation, GateResult
from wizard.gates.spec import Spec
from wizard.record.answers import Person, Verdict
from wizard.record.content import Decision
from wizard.repo import Repo
from wizard.signing import SigningConfig

if TYPE_CHECKING:
    from wizard.record.write import DecisionRequest


@dataclass
class Resume:
    """A draft found at start, and how the repository changed since it was saved."""

    draft: Draft
    head_moved: bool
    changes: list[VerdictChange]


@dataclass
class Review:
    scan: ScanResult
    config: Config
    spec: Spec
    evaluations: dict[str, CandidateEvaluation]
    identity: Person | None
    signing: SigningConfig | None
    signing_problem: str | None
    resume: Resume | None = None
    draft_problem: str | None = None
    draft: Draft | None = None
    save_problem: str | None = None
    _repo: Repo | None = field(default=None, repr=False)

    def repository(self) -> Repo:
        """The repository opened for reading excerpts (opened on first use, then kept)."""
        if self._repo is None:
            self._repo = Repo(self.scan.repo.root)
        return self._repo

    @property
    def current(self) -> str | None:
        """The current authority when it is one of the candidates (not `none`)."""
        current = self.scan.authority.current
        return current if current in CANDIDATES else None

    @property
    def evaluation(self) -> CandidateEvaluation:
        assert self.draft is not None, "no candidate chosen yet"
        return self.evaluations[self.draft.candidate]

    @property
    def gates(self) -> list[GateResult]:
        return self.evaluation.gates

    def facts_for(self, gate: GateResult) -> list[Fact]:
        return [f for f in self.scan.facts if f.gate == gate.id]

    def signer(self) -> Person | None:
        """Who signs next: the last name/email used in this review, else git's identity."""
        if self.draft is not None and self.draft.signer is not None:
            return self.draft.signer
        return self.identity

    def start(self, candidate: str) -> None:
        self.draft = new_draft(self.scan, candidate, self.identity)
        self.resume = None
        self.save()

    def continue_saved(self) -> None:
        assert self.resume is not None
        self.draft = self.resume.draft
        self.draft.head = self.scan.repo.head
        self.draft.artifact = self.scan.artifact
        self.resume = None
        self.save()

    def answer(
        self, gate: GateResult, verdict: Verdict | None, note: str, name: str, email: str
    ) -> None:
        assert self.draft is not None
        set_answer(self.draft, gate, verdict, note, name, email)
        self.save()

    def set_decision(self, decision: Decision) -> None:
        assert self.draft is not None
        self.draft.decision = decision
        self.save()

    def request(self, decision: Decision) -> DecisionRequest:
        assert self.draft is not None
        return decision_request(
            self.draft, self.scan, self.config, self.spec, self.evaluation, decision
        )

    def draft_copy(self) -> Draft:
        """A copy of the draft for a worker thread, unaffected by answers given meanwhile."""
        assert self.draft is not None
        return replace(self.draft, answers=dict(self.draft.answers))

    def change_refusal(self, draft: Draft) -> str | None:
        """Why "change" cannot be recorded from `draft`; may run git and ssh-keygen (a worker's
        job) and raises whatever the record lookup raises."""
        return change_refusal(
            draft, self.scan, self.config, self.spec, self.evaluations[draft.candidate]
        )

    def save(self) -> None:
        """Save the draft; a failure is kept as a sentence for the screen, never raised."""
        assert self.draft is not None
        try:
            save_draft(self.draft)
        except OSError as exc:
            self.save_problem = f"the draft could not be saved ({exc.strerror or exc})"
        else:
            self.save_problem = None

