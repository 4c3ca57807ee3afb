"""Summary: every gate's verdict and sign-off, what is missing, the decision, and writing it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Label,
    RadioSet,
    Static,
)
from textual.worker import Worker, WorkerState

from screens.keys import KeyFooter
from screens.literal import STATUS_SYMBOLS, line, plain
from screens.modals import ConfirmModal, MessageModal
from screens.step import StepScreen
from screens.toggles import Choice, Tick
from wizard.draft import Draft, delete_draft, missing
from wizard.gates.model import CANDIDATE_TITLES
from wizard.gates.render import STATUS_WORDS
from wizard.record.content import Decision
from wizard.record.errors import AnswersError, CommitError, DecisionRefused
from wizard.record.store import RecordExists
from wizard.record.write import DecisionRequest, WrittenRecord, refusal, write_decision
from wizard.repo import RepoError
from wizard.signing import SigningError
from wizard.text import printable, shorten

if TYPE_CHECKING:
    from screens.app import ReleaseGateApp
    from screens.review import Review

# What writing a record is documented to raise; each says in one sentence what went wrong.
WRITE_ERRORS = (
    SigningError,
    DecisionRefused,
    AnswersError,
    CommitError,
    RecordExists,
    RepoError,
    OSError,
)


def _cell(text: str) -> Text:
    return Text(printable(text, single_line=True))


class SummaryScreen(StepScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "write", "Write record"),
        Binding("escape", "back", "Back"),
        Binding("q", "done", "Quit"),
    ]
    AUTO_FOCUS = "#decision"

    app: ReleaseGateApp

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review
        self.written: WrittenRecord | None = None
        self.writing = False
        self.checking = True
        self.change_reason: str | None = None

    def compose(self) -> ComposeResult:
        review = self.review
        draft = review.draft
        assert draft is not None
        evaluation = review.evaluation
        yield Header()
        with VerticalScroll(id="summary-body"):
            head = review.scan.repo.head[:12] if review.scan.repo.head else "no commit"
            yield Static(
                line(
                    ("Review of ", "bold"),
                    (CANDIDATE_TITLES[evaluation.candidate], "bold"),
                    " for ",
                    plain(review.scan.artifact or "the artifact"),
                    f" at {head}",
                ),
                id="summary-head",
            )
            yield DataTable(id="gates-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="missing")
            current = review.current
            keep = (
                f"Keep the current authority ({CANDIDATE_TITLES[current]})"
                if current
                else "Keep the current state (no release authority detected)"
            )
            with Horizontal(classes="form-row", id="decision-row"):
                yield Label("Decision", classes="form-label")
                with RadioSet(id="decision"):
                    yield Choice(keep, id="keep", value=draft.decision == "keep")
                    # Offered once the worker started in on_mount has found nothing against it.
                    yield Choice(
                        f"Change the authority to {CANDIDATE_TITLES[evaluation.candidate]}",
                        id="change",
                        disabled=True,
                    )
            yield Static(
                line("Checking whether a change of authority can be recorded…"),
                id="change-reason",
            )
            signing = review.signing
            yield Tick(
                "Sign the record with git's signing key",
                value=signing is not None,
                disabled=signing is None,
                id="sign",
            )
            yield Static(
                line(f"{signing.format} key ", plain(signing.key or ""))
                if signing
                else line("Signing is not available: ", plain(review.signing_problem or "")),
                id="sign-info",
            )
            with Horizontal(id="summary-buttons"):
                yield Button("◀ Back", id="back")
                yield Button(
                    "Write the decision record", id="write", variant="primary", disabled=True
                )
                yield Button("Quit", id="done", variant="success")
            yield Static(id="written")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Summary · " + CANDIDATE_TITLES[self.review.evaluation.candidate]
        table = self.query_one("#gates-table", DataTable)
        table.add_columns("Gate", "Tool verdict", "Sign-off", "By", "Note")
        draft = self.review.draft
        assert draft is not None
        for gate in self.review.gates:
            answer = draft.answers.get(gate.id)
            verdict = answer.verdict if answer and answer.verdict else "— missing"
            table.add_row(
                _cell(f"{gate.number} {gate.title}"),
                _cell(f"{STATUS_SYMBOLS[gate.status]} {STATUS_WORDS[gate.status]}"),
                _cell(verdict),
                _cell(answer.name if answer and answer.verdict else ""),
                _cell(shorten(answer.note, 40) if answer else ""),
                key=gate.id,
            )
        self._show_missing()
        self._check_change(self.review.draft_copy())

    @work(thread=True, exclusive=True, exit_on_error=False, group="change", description="change")
    def _check_change(self, draft: Draft) -> str | None:
        # Looking for the record in force verifies signatures with subprocesses: not on the UI
        # thread, and whatever it raises must not end the app.
        return self.review.change_refusal(draft)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "change" and event.state == WorkerState.SUCCESS:
            self._change_checked(worker.result)
        elif worker.group == "change" and event.state == WorkerState.ERROR:
            error = worker.error
            self._change_checked(f"checking it failed ({type(error).__name__}: {error})")
        elif worker.group == "write" and event.state == WorkerState.SUCCESS:
            record = worker.result
            assert isinstance(record, WrittenRecord)
            self._written(record)
        elif worker.group == "write" and event.state == WorkerState.ERROR:
            self._write_failed(worker.error)

    def _change_checked(self, reason: str | None) -> None:
        assert self.review.draft is not None
        self.checking = False
        self.change_reason = reason
        keep = self.query_one("#keep", Choice)
        change = self.query_one("#change", Choice)
        shown = self.query_one("#change-reason", Static)
        # The draft keeps the decision it has: only the maintainer's own choice changes it.
        with self.prevent(RadioSet.Changed):
            if reason is None:
                change.disabled = False
                change.value = self.review.draft.decision == "change"
                keep.value = not change.value
                shown.display = False
            else:
                keep.value = True
                shown.update(line(("Change is not offered: ", "bold"), plain(reason)))
        self.query_one("#write", Button).disabled = False
        self.refresh_bindings()

    def _show_missing(self) -> None:
        assert self.review.draft is not None
        gaps = missing(self.review.draft, self.review.evaluation)
        target = self.query_one("#missing", Static)
        if not gaps:
            target.update(line(("✓ All six gates are signed off.", "$text-success")))
            return
        rows = [line(("Still missing:", "bold $text-warning"))]
        rows += [line(f"  Gate {g.number} {g.title}: {g.reason}") for g in gaps]
        target.update(Content("\n").join(rows))

    def decision(self) -> Decision:
        pressed = self.query_one("#decision", RadioSet).pressed_button
        return "change" if pressed is not None and pressed.id == "change" else "keep"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.review.set_decision(self.decision())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "done":
            return self.written is not None
        if action == "write":
            if self.written is not None:
                return False
            return None if self.checking else True  # None: shown, but not yet usable
        if action == "back":
            return self.written is None
        return True

    def action_back(self) -> None:
        self.app.show_gate(len(self.review.gates) - 1)

    def action_done(self) -> None:
        self.app.exit(0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"back": self.action_back, "write": self.action_write, "done": self.action_done}
        if event.button.id in actions:
            actions[event.button.id]()

    def action_write(self) -> None:
        if self.written is not None or self.writing or self.checking:
            return
        draft = self.review.draft
        assert draft is not None
        gaps = missing(draft, self.review.evaluation)
        if gaps:
            listed = "\n".join(f"Gate {g.number} {g.title}: {g.reason}" for g in gaps)
            self.app.push_screen(MessageModal("The review is not complete", listed, error=False))
            return
        decision = self.decision()
        request = self.review.request(decision)
        # "change" is only chosen once the worker found nothing against it; the check for
        # "keep" needs no repository access.
        reason = self.change_reason if decision == "change" else refusal(request)
        if reason:
            self.app.push_screen(MessageModal("This decision cannot be recorded", reason))
            return
        sign = self.query_one("#sign", Checkbox).value
        evaluation = self.review.evaluation
        current = self.review.current
        what = (
            f"Keep the current authority ({CANDIDATE_TITLES[current] if current else 'none'})"
            if decision == "keep"
            else f"Change the authority to {CANDIDATE_TITLES[evaluation.candidate]}"
        )
        makers = ", ".join(p.display() for p in request.decision_makers)
        body = Content("\n").join(
            [
                line(("Decision    ", "bold"), what),
                line(("Reviewed    ", "bold"), CANDIDATE_TITLES[evaluation.candidate]),
                line(("Sign-offs   ", "bold"), plain(f"6 of 6, by {makers}")),
                line(("Signed      ", "bold"), "yes, with git's signing key" if sign else "no"),
                line(("Into        ", "bold"), plain(self.review.config.records_dir + "/")),
            ]
        )

        def confirmed(answer: bool | None) -> None:
            if answer:
                self.writing = True
                self._write(request, sign)

        self.app.push_screen(
            ConfirmModal("Write the decision record?", body, yes="Write", no="Cancel"), confirmed
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="write", description="write")
    def _write(self, request: DecisionRequest, sign: bool) -> WrittenRecord:
        return write_decision(request, sign=sign, commit=False)

    def _write_failed(self, error: BaseException | None) -> None:
        self.writing = False
        # The core's own refusals are sentences; anything else also says what it was.
        expected = isinstance(error, WRITE_ERRORS)
        reason = str(error) if expected else f"{type(error).__name__}: {error}"
        self.app.push_screen(MessageModal("The record was not written", reason))

    def _written(self, record: WrittenRecord) -> None:
        self.writing = False
        self.written = record
        delete_draft(self.review.scan.repo.root)
        root = Path(self.review.scan.repo.root)
        signed = "signed" if record.signed else "unsigned: run release-gate sign to sign it"
        self.query_one("#written", Static).update(
            Content("\n").join(
                [
                    line((f"✓ Wrote {record.record_id}", "bold $text-success")),
                    line("  ", plain(str(record.markdown.relative_to(root)))),
                    line("  ", plain(str(record.envelope.relative_to(root))), f" ({signed})"),
                    line("Press Enter or q to quit."),
                ]
            )
        )
        self.query_one("#write", Button).display = False
        self.query_one("#back", Button).display = False
        done = self.query_one("#done", Button)
        done.display = True
        done.focus()
        self.query_one("#decision", RadioSet).disabled = True
        self.query_one("#sign", Checkbox).disabled = True
        self.refresh_bindings()
        self.notify(f"Wrote {record.record_id}.", markup=False)
