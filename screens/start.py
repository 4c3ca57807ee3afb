"""Start: scan with visible progress, then the repository summary and the candidate picker."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from screens.evidence import EvidenceList
from screens.keys import KeyFooter
from screens.literal import line, plain
from screens.messages import ScanFailed, ScanFinished, ScanProgress, ScanStopped
from screens.review import Review
from screens.scan_process import Failed, Loaded, Progress, ScanProcess
from wizard.gates.model import CANDIDATE_TITLES, CANDIDATES

if TYPE_CHECKING:
    from screens.app import ReleaseGateApp

LABEL = 12  # width of the labels in the summary


def _row(overview: EvidenceList, label: str, value: Content | str) -> None:
    overview.text(
        Content(value) if isinstance(value, str) else value, lead=line((label.ljust(LABEL), "bold"))
    )


def _met(review: Review, candidate: str) -> Content:
    evaluation = review.evaluations[candidate]
    met = sum(g.status == "met" for g in evaluation.gates)
    if evaluation.current:
        verdict = ("the current authority", "$text-accent")
    elif evaluation.change_allowed:
        verdict = ("✓ change allowed", "$text-success")
    else:
        verdict = ("✗ change not allowed", "$text-error")
    return line((CANDIDATE_TITLES[candidate], "bold"), " — ", verdict, f", {met} of 6 gates met")


class StartScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel_scan", "Cancel scan"),
        Binding("r", "rescan", "Scan again"),
    ]

    app: ReleaseGateApp

    def __init__(self) -> None:
        super().__init__()
        self.scanning = True
        self._process: ScanProcess | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="scan-panel"):
            yield Static(line("Scanning ", plain(self.app.root_text)), id="scan-title")
            yield ProgressBar(total=1.0, show_eta=False, id="scan-progress")
            yield Static("listing files", id="scan-stage", markup=False)
            yield Static("Esc cancels the scan.", id="scan-hint", markup=False)
        yield EvidenceList(id="overview")
        yield Static("Choose what to review (↑ ↓, Enter):", id="picker-title", markup=False)
        yield OptionList(id="picker", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Start"
        self._start_scan()

    def on_unmount(self) -> None:
        # Quitting while the scan runs must not leave the child process behind.
        if self._process is not None:
            self._process.cancel()

    def _start_scan(self) -> None:
        self._process = self.app.scan_process()
        self._scan(self._process)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_scan":
            return self.scanning
        if action == "rescan":
            return not self.scanning
        return True

    def _show_scan_panel(self, scanning: bool) -> None:
        # Widget by widget: toggling a class on the screen would restyle every descendant.
        self.scanning = scanning
        self.query_one("#scan-panel").display = scanning
        for selector in ("#overview", "#picker-title", "#picker"):
            self.query_one(selector).display = not scanning
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan", description="scan")
    def _scan(self, process: ScanProcess) -> None:
        """Relay the child's events as messages (a worker never touches widgets)."""
        outcome = False
        for event in process.events():
            if isinstance(event, Progress):
                self.post_message(ScanProgress(event.stage, event.fraction))
                continue
            outcome = True
            if isinstance(event, Loaded):
                self.post_message(ScanFinished(event.review))
            elif isinstance(event, Failed):
                self.post_message(ScanFailed(event.reason))
            else:
                self.post_message(ScanFailed(f"The scan failed unexpectedly: {event.reason}"))
        if process.cancelled and not outcome:
            self.post_message(ScanStopped())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug in a scanner must not leave a frozen progress bar: say what happened.
        if event.worker.group == "scan" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self._stopped(f"The scan failed unexpectedly: {type(error).__name__}: {error}")

    def on_scan_progress(self, message: ScanProgress) -> None:
        self.query_one("#scan-progress", ProgressBar).update(progress=message.fraction)
        self.query_one("#scan-stage", Static).update(message.stage)

    def on_scan_failed(self, message: ScanFailed) -> None:
        self._stopped(message.reason)

    def on_scan_stopped(self, message: ScanStopped) -> None:
        self._stopped("Scan cancelled.")

    def _stopped(self, reason: str) -> None:
        self.scanning = False
        self.refresh_bindings()
        self.query_one("#scan-stage", Static).update(plain(reason, single_line=False))
        self.query_one("#scan-hint", Static).update("Press r to scan again, Ctrl+Q to quit.")

    def action_cancel_scan(self) -> None:
        if self._process is not None:
            self._process.cancel()

    def action_rescan(self) -> None:
        if self.app.review is not None and self.app.review.draft is not None:
            self.notify("A review is in progress; it stays saved as a draft.", markup=False)
        self.app.review = None
        self.query_one("#overview", EvidenceList).clear_options()
        self.query_one("#picker", OptionList).clear_options()
        self.query_one("#scan-progress", ProgressBar).update(progress=0)
        self.query_one("#scan-stage", Static).update("listing files")
        self.query_one("#scan-hint", Static).update("Esc cancels the scan.")
        self._show_scan_panel(True)
        self._start_scan()

    def on_scan_finished(self, message: ScanFinished) -> None:
        self._show_scan_panel(False)
        self.app.review = message.review
        self.show_review()

    def show_review(self) -> None:
        review = self.app.review
        assert review is not None
        self._overview(review)
        picker = self.query_one("#picker", OptionList)
        picker.clear_options()
        if review.resume is not None:
            saved = review.resume.draft
            signed = sum(a.verdict is not None for a in saved.answers.values())
            picker.add_option(
                Option(
                    line(
                        ("Resume the saved review", "bold"),
                        f" of {CANDIDATE_TITLES[saved.candidate]} ({signed} of 6 signed off)",
                    ),
                    id="resume",
                )
            )
        elif review.draft is not None:
            picker.add_option(
                Option(
                    line(
                        ("Continue this review", "bold"),
                        f" of {CANDIDATE_TITLES[review.draft.candidate]}",
                    ),
                    id="continue",
                )
            )
        current = review.current
        picker.add_option(
            Option(
                line(("Confirm the current authority", "bold"), f": {CANDIDATE_TITLES[current]}")
                if current
                else "Confirm the current authority: no current authority was detected",
                id="confirm",
                disabled=current is None,
            )
        )
        for candidate in CANDIDATES:
            picker.add_option(Option(_met(review, candidate), id=candidate))
        picker.highlighted = next(
            i for i in range(picker.option_count) if not picker.get_option_at_index(i).disabled
        )
        picker.focus()

    def _overview(self, review: Review) -> None:
        scan = review.scan
        overview = self.query_one("#overview", EvidenceList)
        overview.clear_options()
        _row(overview, "Repository", plain(self.app.root_text))
        if scan.repo.head is None:
            head = line("no commits yet")
        elif scan.repo.branch:
            head = line(scan.repo.head[:12], " on ", plain(scan.repo.branch))
        else:
            head = line(scan.repo.head[:12], " (detached HEAD)")
        if scan.repo.dirty:
            head = line(head, ", uncommitted changes")
        _row(overview, "HEAD", head)
        artifact = line(plain(scan.artifact or "unknown"), " (", plain(scan.artifact_source), ")")
        _row(overview, "Artifact", artifact)
        authority = scan.authority
        if authority.current in CANDIDATE_TITLES:
            title = f"{CANDIDATE_TITLES[authority.current]} ({authority.current})"
        else:
            title = "none detected"
        _row(overview, "Authority", title)
        if authority.reason:
            _row(overview, "", plain(authority.reason))
        for evidence in authority.evidence:
            overview.evidence(evidence, indent=LABEL)
        _row(overview, "Signing", self._signing(review))
        if scan.problems:
            _row(overview, "Problems", f"{len(scan.problems)} found while scanning")
            for problem in scan.problems:
                overview.problem(problem)
        else:
            _row(overview, "Problems", "none")
        self._resume_notes(review, overview)

    @staticmethod
    def _signing(review: Review) -> Content:
        if review.signing is not None:
            return line(f"{review.signing.format} key ", plain(review.signing.key or ""))
        return line("not configured: ", plain(review.signing_problem or ""))

    @staticmethod
    def _resume_notes(review: Review, overview: EvidenceList) -> None:
        if review.draft_problem:
            _row(overview, "Draft", line(("! ", "bold"), plain(review.draft_problem)))
        if review.resume is None:
            return
        saved = review.resume.draft
        _row(overview, "Draft", plain(f"saved {saved.saved or 'earlier'}"))
        if review.resume.head_moved:
            then = saved.head[:12] if saved.head else "no commit"
            unchanged = "" if review.resume.changes else " No gate verdict changed."
            _row(overview, "", f"HEAD moved since the draft was saved (was {then}).{unchanged}")
        if saved.artifact != review.scan.artifact:
            _row(overview, "", plain(f"The draft was for artifact {saved.artifact}."))
        for change in review.resume.changes:
            _row(
                overview,
                "",
                f"Gate {change.number} {change.title}: the verdict changed from "
                f"{change.then} to {change.now} since your sign-off.",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "picker":
            return
        review = self.app.review
        assert review is not None
        choice = event.option.id
        if choice == "resume":
            review.continue_saved()
            self.app.show_first_open_gate()
        elif choice == "continue":
            self.app.show_first_open_gate()
        elif choice == "confirm" and review.current:
            self.app.choose_candidate(review.current)
        elif choice in CANDIDATES:
            self.app.choose_candidate(choice)
