"""The start screen: progress while scanning, Esc cancels, a whole-run error is shown."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, ProgressBar

import screens.review
from screens.app import ReleaseGateApp, run_wizard
from screens.gate import GateScreen
from screens.start import StartScreen
from tests.conftest import RepoFactory
from tests.tui.driver import scanned, screen_text, until
from wizard.facts import ScanResult
from wizard.scan import scan_repository


def test_esc_cancels_a_running_scan_and_r_scans_again(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real scan, held after its first stage until the test has pressed Esc."""
    reached, release = threading.Event(), threading.Event()

    def held_scan(
        path: str, artifact: str | None, progress: Callable[[str, float], None], **kw: Any
    ) -> ScanResult:
        def report(stage: str, fraction: float) -> None:
            progress(stage, fraction)
            if stage == "workflows" and not release.is_set():
                reached.set()
                release.wait(10)

        return scan_repository(path, artifact=artifact, progress=report, **kw)

    monkeypatch.setattr(screens.review, "scan_repository", held_scan)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, reached.is_set)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, StartScreen)
            text = screen_text(app)
            assert "Scanning " + str(seed_repo) in text
            assert "workflows" in text and "Esc cancels the scan." in text
            assert screen.query_one("#scan-progress", ProgressBar).progress == pytest.approx(1 / 7)
            await pilot.press("escape")
            await pilot.pause()
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Scan cancelled." in screen_text(app)
            assert app.review is None
            await pilot.press("r")
            await scanned(app, pilot)
            assert app.review is not None
            assert "Choose what to review (↑ ↓, Enter):" in screen_text(app)

    asyncio.run(drive())


def test_not_a_repository_is_one_sentence_and_quitting_returns_1(tmp_path: Path) -> None:
    async def drive() -> ReleaseGateApp:
        app = ReleaseGateApp(str(tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            text = screen_text(app)
            assert f"{tmp_path} is not inside a git repository" in text
            assert "Press r to scan again, Ctrl+Q to quit." in text
            await pilot.press("ctrl+q")
            await pilot.pause()
        return app

    app = asyncio.run(drive())
    assert app.return_value is None


@pytest.mark.parametrize(("result", "code"), [(0, 0), (None, 1)])
def test_run_wizard_exit_code_says_whether_a_record_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: int | None, code: int
) -> None:
    seen: list[tuple[str, str | None]] = []

    def run(self: ReleaseGateApp) -> int | None:
        seen.append((self.repo_path, self.artifact))
        return result

    monkeypatch.setattr(ReleaseGateApp, "run", run)
    assert run_wizard(str(tmp_path), "runner-dashboard") == code
    assert seen == [(str(tmp_path), "runner-dashboard")]


def test_without_a_current_authority_confirming_is_not_offered(make_repo: RepoFactory) -> None:
    repo = make_repo({"README.md": "# A project that publishes nothing yet\n"})

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            text = screen_text(app)
            assert "Authority   none detected" in text
            assert "Confirm the current authority: no current authority was detected" in text
            picker = app.screen.query_one("#picker", OptionList)
            assert picker.get_option_at_index(0).disabled
            assert picker.highlighted == 1
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen)
            assert app.review is not None and app.review.draft is not None
            assert app.review.draft.candidate == "dockerfile-image"

    asyncio.run(drive())
