"""The sign-off form of a gate: agree or disagree with the tool, a note, name and email."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioSet, Static

from screens.literal import plain
from screens.toggles import Choice
from wizard.draft import GateAnswer, VerdictChange
from wizard.gates.model import GateResult
from wizard.record.answers import Person, Verdict


@dataclass(frozen=True)
class FormValues:
    verdict: Verdict | None
    note: str
    name: str
    email: str


class SignOffForm(Vertical):
    """Posts `Changed` whenever the maintainer edits anything; the screen saves the draft."""

    class Changed(Message):
        pass

    def __init__(
        self,
        gate: GateResult,
        answer: GateAnswer | None,
        signer: Person | None,
        stale: VerdictChange | None,
        last: bool,
    ) -> None:
        super().__init__(id="signoff")
        self._gate, self._answer, self._signer = gate, answer, signer
        self._stale, self._last = stale, last

    @property
    def initial(self) -> FormValues:
        """What the form shows before the maintainer touches it."""
        answer, signer = self._answer, self._signer
        if answer is not None:
            return FormValues(answer.verdict, answer.note, answer.name, answer.email)
        return FormValues(None, "", signer.name if signer else "", signer.email if signer else "")

    def compose(self) -> ComposeResult:
        initial = self.initial
        verdict = initial.verdict
        with Horizontal(id="verdict-row", classes="form-row"):
            yield Label("Sign-off", classes="form-label")
            with RadioSet(id="verdict"):
                yield Choice("Agree with the tool", id="agree", value=verdict == "agree")
                yield Choice("Disagree", id="disagree", value=verdict == "disagree")
        if self._stale is not None:
            yield Static(
                f"The tool's verdict changed from {self._stale.then} to {self._stale.now} "
                "since this sign-off; review it and press Next again.",
                id="stale",
                markup=False,
            )
        note_hint = (
            "required: the tool's verdict is needs-review"
            if self._gate.status == "needs-review"
            else "required when you disagree"
        )
        with Horizontal(classes="form-row"):
            yield Label("Note", classes="form-label")
            yield Input(initial.note, placeholder=note_hint, id="note", compact=True)
        with Horizontal(classes="form-row"):
            yield Label("Name", classes="form-label")
            yield Input(initial.name, placeholder="your name", id="name", compact=True)
            yield Label("Email", classes="form-label-inline")
            yield Input(initial.email, placeholder="you@example.org", id="email", compact=True)
        with Horizontal(id="form-footer", classes="form-row"):
            yield Static("", id="form-error")
            yield Button("◀ Back", id="back", compact=True)
            yield Button(
                "Summary ▶" if self._last else "Next ▶", id="next", compact=True, variant="primary"
            )

    def values(self) -> FormValues:
        pressed = self.query_one("#verdict", RadioSet).pressed_button
        verdict: Verdict | None = None
        if pressed is not None:
            verdict = "agree" if pressed.id == "agree" else "disagree"
        return FormValues(
            verdict,
            self.query_one("#note", Input).value,
            self.query_one("#name", Input).value,
            self.query_one("#email", Input).value,
        )

    def show_error(self, text: str) -> None:
        self.query_one("#form-error", Static).update(plain(text))
        self.set_class(bool(text), "-invalid")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.show_error("")
        self.post_message(self.Changed())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())
