"""One gate: its requirements with status, reason and evidence, the facts, and the sign-off."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Header, Input, Static

from screens.evidence import EvidenceList
from screens.keys import KeyFooter
from screens.literal import line, plain, status
from screens.signoff import FormValues, SignOffForm
from screens.step import StepScreen
from wizard.draft import verdict_changes
from wizard.gates.model import CANDIDATE_TITLES, GateResult
from wizard.record.answers import note_required, validate_person
from wizard.record.errors import AnswersError

if TYPE_CHECKING:
    from screens.app import ReleaseGateApp
    from screens.review import Review

GATE_COUNT = 6


class GateScreen(StepScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("tab", "app.focus_next", "Next field"),
    ]
    AUTO_FOCUS = "#findings"

    app: ReleaseGateApp

    def __init__(self, review: Review, index: int) -> None:
        super().__init__()
        self.review = review
        self.index = index
        self.gate: GateResult = review.gates[index]

    def compose(self) -> ComposeResult:
        review, gate = self.review, self.gate
        assert review.draft is not None
        yield Header()
        with Horizontal(id="gate-head"):
            yield Static(f"Gate {gate.number} of {GATE_COUNT}", id="gate-number", markup=False)
            yield Static(plain(gate.title), id="gate-title")
            yield Static(line("tool verdict ", status(gate.status)), id="gate-status")
        yield Static(plain(gate.summary), id="gate-summary")
        yield EvidenceList(id="findings")
        stale = next(
            (c for c in verdict_changes(review.draft, review.evaluation) if c.gate == gate.id), None
        )
        yield SignOffForm(
            gate,
            review.draft.answers.get(gate.id),
            review.signer(),
            stale,
            last=self.index == GATE_COUNT - 1,
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = (
            f"Gate {self.gate.number} of {GATE_COUNT} · "
            + CANDIDATE_TITLES[self.review.evaluation.candidate]
        )
        findings = self.query_one("#findings", EvidenceList)
        findings.text(line(("Requirements", "bold underline")))
        for requirement in self.gate.requirements:
            findings.requirement(requirement)
        findings.text(line(""))
        findings.text(line(("Detected facts", "bold underline")))
        facts = self.review.facts_for(self.gate)
        for fact in facts:
            findings.fact(fact)
        if not facts:
            findings.text(line(("No facts were detected for this gate.", "$text-muted")))

    def on_sign_off_form_changed(self, message: SignOffForm.Changed) -> None:
        form = self.query_one(SignOffForm)
        values = form.values()
        draft = self.review.draft
        assert draft is not None
        before = draft.answers.get(self.gate.id)
        shown = (
            form.initial
            if before is None
            else FormValues(before.verdict, before.note, before.name, before.email)
        )
        # Inputs report their initial value when mounted; only a real edit is an answer.
        if values == shown:
            return
        self.review.answer(self.gate, values.verdict, values.note, values.name, values.email)
        self._report_save_problem()

    def _report_save_problem(self) -> None:
        if self.review.save_problem:
            self.notify(self.review.save_problem, severity="error", markup=False)

    def validation_error(self) -> tuple[str, str] | None:
        """Why the sign-off cannot be given as it stands, and the field to fix; None if it can."""
        values = self.query_one(SignOffForm).values()
        if values.verdict is None:
            return "Choose Agree or Disagree before moving on.", "#verdict"
        if note_required(values.verdict, self.gate.status) and not values.note.strip():
            if values.verdict == "disagree":
                return "A note is required because you disagree with the tool's verdict.", "#note"
            return "A note is required because the tool's verdict is needs-review.", "#note"
        try:
            validate_person(values.name, values.email, "Sign-off")
        except AnswersError as exc:
            return f"{exc}.", "#email" if values.name.strip() else "#name"
        return None

    def action_next(self) -> None:
        form = self.query_one(SignOffForm)
        problem = self.validation_error()
        if problem:
            form.show_error(problem[0])
            self.query_one(problem[1]).focus()
            return
        values = form.values()
        # Moving on confirms the sign-off against the verdict shown now.
        self.review.answer(self.gate, values.verdict, values.note, values.name, values.email)
        self._report_save_problem()
        if self.index + 1 < GATE_COUNT:
            self.app.show_gate(self.index + 1)
        else:
            self.app.show_summary()

    def action_back(self) -> None:
        if self.index == 0:
            self.app.show_start()
        else:
            self.app.show_gate(self.index - 1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            self.action_next()
        elif event.button.id == "back":
            self.action_back()
