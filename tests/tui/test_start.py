"""The start screen: progress while scanning, Esc cancels, a whole-run error is shown."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, ProgressBar

import screens.app
from screens.app import ReleaseGateApp, run_wizard
from screens.gate import GateScreen
from screens.scan_process import ScanProcess
from screens.start import StartScreen
from tests.conftest import RepoFactory
from tests.tui.driver import scanned, screen_text, until
from tests.tui.test_scan_process import STUCK, use_child
from wizard.cli import main


async def at_the_stuck_stage(app: ReleaseGateApp, pilot: Pilot[int]) -> None:
    """Wait until the start screen shows the one stage the STUCK child reports."""
    progress = app.screen.query_one("#scan-progress", ProgressBar)
    await until(pilot, lambda: progress.progress == pytest.approx(1 / 7))


def test_esc_cancels_a_running_scan_and_r_scans_again(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first scan's child reports one stage and hangs; Esc must end it at once."""
    started = use_child(monkeypatch, STUCK)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, StartScreen)
            await at_the_stuck_stage(app, pilot)
            await pilot.pause()
            text = screen_text(app)
            assert "Scanning " + str(seed_repo) in text
            assert "workflows" in text and "Esc cancels the scan." in text
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Scan cancelled." in screen_text(app)
            assert started[0].returncode == -signal.SIGKILL
            assert app.review is None
            monkeypatch.undo()
            await pilot.press("r")
            await scanned(app, pilot)
            assert app.review is not None
            assert "Choose what to review (↑ ↓, Enter):" in screen_text(app)

    asyncio.run(drive())


def test_quitting_while_scanning_ends_the_scan(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = use_child(monkeypatch, STUCK)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await at_the_stuck_stage(app, pilot)
            await pilot.press("ctrl+q")

    asyncio.run(drive())
    # Killed, not ended by itself after its sleep.
    assert started[0].poll() == -signal.SIGKILL


def test_a_scan_that_dies_is_said_on_screen(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_child(monkeypatch, "import os; os.abort()")

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            text = screen_text(app)
            assert "The scan failed unexpectedly: the scan process ended without a result" in text
            assert f"(killed by signal {signal.SIGABRT.value})" in text
            assert "Press r to scan again, Ctrl+Q to quit." in text

    asyncio.run(drive())


def test_the_scan_started_before_the_app_is_its_first_scan(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = ScanProcess(str(seed_repo), None)
    started = use_child(monkeypatch, STUCK)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo), scan=early)
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            assert app.review is not None and started == []
            await pilot.press("r")
            await at_the_stuck_stage(app, pilot)
            assert len(started) == 1

    asyncio.run(drive())


def test_the_command_line_starts_the_scan_before_textual_is_loaded(seed_repo: Path) -> None:
    """In a fresh interpreter, as `release-gate REPO` runs: when the scan starts, no Textual
    module is loaded yet (the child then stops the run, standing in for a Ctrl+C)."""
    probe = (
        "import sys\n"
        "import screens.scan_process as scans\n"
        "def start(self, repo, artifact):\n"
        "    print('textual loaded:', any(m.startswith('textual') for m in sys.modules))\n"
        "    print('scanning', repo, artifact)\n"
        "    raise KeyboardInterrupt\n"
        "scans.ScanProcess.__init__ = start\n"
        "from wizard.cli import main\n"
        f"sys.exit(main([{str(seed_repo)!r}, '--artifact', 'runner-dashboard']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 130, out.stderr
    assert out.stdout.splitlines() == [
        "textual loaded: False",
        f"scanning {seed_repo} runner-dashboard",
    ]


def test_the_command_line_hands_its_scan_to_the_app_and_ends_it_after(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[tuple[str, str | None, ScanProcess | None]] = []

    def run(repo: str, artifact: str | None, scan: ScanProcess | None = None) -> int:
        given.append((repo, artifact, scan))
        return 1

    monkeypatch.setattr(screens.app, "run_wizard", run)
    started = use_child(monkeypatch, STUCK)
    assert main([str(seed_repo), "--artifact", "runner-dashboard"]) == 1
    [(repo, artifact, scan)] = given
    assert (repo, artifact) == (str(seed_repo), "runner-dashboard")
    assert scan is not None and scan.cancelled
    # The app returned without reading the scan, which must not outlive the command.
    assert started[0].wait(5) == -signal.SIGKILL


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
