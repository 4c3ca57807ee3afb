"""The review wizard: start (scan, summary, candidate), six gate screens, summary and record."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from screens.evidence import EvidenceList
from screens.gate import GateScreen
from screens.literal import line
from screens.modals import ConfirmModal, ExcerptModal, HelpModal
from screens.review import Review
from screens.scan_process import ScanProcess
from screens.start import StartScreen
from screens.step import StepScreen
from wizard.draft import missing
from wizard.excerpt import read_excerpt
from wizard.gates.model import CANDIDATE_TITLES

if TYPE_CHECKING:
    from screens.commands import WizardCommands


def wizard_commands() -> type[WizardCommands]:
    # Imported when the palette first opens, as Textual does for its own commands: the palette
    # module is not needed to start.
    from screens.commands import WizardCommands

    return WizardCommands


class ReleaseGateApp(App[int]):
    """`exit(0)` once a record is written; quitting any other way returns no result."""

    CSS_PATH = "app.tcss"
    TITLE = "release-gate"
    COMMANDS = App.COMMANDS | {wizard_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+t", "toggle_dark", "Theme"),
    ]

    def __init__(
        self,
        repo_path: str,
        artifact: str | None = None,
        root_label: str | None = None,
        scan: ScanProcess | None = None,
    ) -> None:
        """`root_label` replaces the repository path on screen (fixed text for screenshots);
        `scan` is a scan of `repo_path` already started (by the CLI), used for the first scan."""
        super().__init__()
        self.repo_path = repo_path
        self.artifact = artifact
        self.root_label = root_label
        self.review: Review | None = None
        self._started_scan = scan

    def scan_process(self) -> ScanProcess:
        """The scan started before the app, the first time; a new one after that."""
        process, self._started_scan = self._started_scan, None
        return process or ScanProcess(self.repo_path, self.artifact)

    @property
    def root_text(self) -> str:
        if self.root_label is not None:
            return self.root_label
        return self.review.scan.repo.root if self.review else self.repo_path

    def get_default_screen(self) -> StartScreen:
        return StartScreen()

    def _show(self, screen: StepScreen) -> None:
        """Gate and summary screens replace each other; the start screen stays underneath."""
        if isinstance(self.screen, StepScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_gate(self, index: int) -> None:
        assert self.review is not None
        self._show(GateScreen(self.review, index))

    def show_summary(self) -> None:
        # Imported here: the summary (and its table) is not needed to reach the first gate.
        from screens.summary import SummaryScreen

        assert self.review is not None
        self._show(SummaryScreen(self.review))

    def show_start(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StartScreen):
            self.pop_screen()
        if isinstance(self.screen, StartScreen) and self.review is not None:
            self.screen.show_review()

    def show_first_open_gate(self) -> None:
        """The first gate still needing a sign-off, or the summary when none does."""
        review = self.review
        assert review is not None and review.draft is not None
        gaps = {m.gate for m in missing(review.draft, review.evaluation)}
        index = next((i for i, g in enumerate(review.gates) if g.id in gaps), None)
        if index is None:
            self.show_summary()
        else:
            self.show_gate(index)

    def choose_candidate(self, candidate: str) -> None:
        """Start reviewing `candidate`; ask first when that discards sign-offs already given."""
        review = self.review
        assert review is not None
        existing = review.resume.draft if review.resume else review.draft
        if existing is not None and existing.candidate == candidate and review.draft is existing:
            self.show_first_open_gate()
            return
        given = sum(a.verdict is not None for a in existing.answers.values()) if existing else 0
        if not given:
            review.start(candidate)
            self.show_gate(0)
            return
        assert existing is not None

        def discard(answer: bool | None) -> None:
            if answer:
                review.start(candidate)
                self.show_gate(0)

        self.push_screen(
            ConfirmModal(
                "Discard the saved sign-offs?",
                line(
                    f"The review of {CANDIDATE_TITLES[existing.candidate]} has {given} "
                    f"sign-off(s). Reviewing {CANDIDATE_TITLES[candidate]} starts over "
                    "and discards them."
                ),
                yes="Discard and start",
                no="Keep them",
            ),
            discard,
        )

    def on_evidence_list_open(self, message: EvidenceList.Open) -> None:
        if self.review is None:
            return
        evidence = message.evidence
        self.push_screen(
            ExcerptModal(read_excerpt(self.review.repository(), evidence.path, evidence.line))
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal())


def run_wizard(repo: str, artifact: str | None, scan: ScanProcess | None = None) -> int:
    """Open the wizard on `repo`; 0 when a decision record was written, 1 otherwise."""
    result = ReleaseGateApp(repo, artifact, scan=scan).run()
    return 0 if result == 0 else 1
