"""The summary screen checks "change" off the UI thread and survives whatever the core raises."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.widgets import Button

import screens.review
import screens.summary
import wizard.record.write
from screens.app import ReleaseGateApp
from screens.gate import GateScreen
from screens.modals import ConfirmModal, MessageModal
from screens.summary import SummaryScreen
from screens.toggles import Choice
from tests.tui.driver import answer, scanned, screen_text, settled
from tests.tui.test_change import nix_ready_repo
from tests.tui.test_keys import shown as shown_keys
from wizard.record.errors import RecordUnusable
from wizard.record.write import DecisionRequest, WrittenRecord, refusal, write_decision

RECORDS = "docs/decisions/release-authority"


def test_an_error_while_checking_the_change_is_shown_and_keep_can_be_written(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the core raised while looking for the record in force (here: unusable trust
    roots) is shown literally; the app lives on and "keep" can still be recorded."""

    def unusable(*args: object) -> str | None:
        raise RecordUnusable(".github/allowed_signers:1: [bold]not[/] a key")

    # Only the check of "change" fails; writing "keep" looks for the record in force again.
    monkeypatch.setattr(screens.review, "change_refusal", unusable)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")  # confirm the current authority
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            assert (
                "Change is not offered: checking it failed (RecordUnusable: "
                ".github/allowed_signers:1: [bold]not[/] a key)" in screen_text(app)
            )
            assert app.screen.query_one("#change", Choice).disabled
            assert app.screen.query_one("#keep", Choice).value
            await pilot.press("w", "y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "✓ Wrote RA-0001" in screen_text(app)

    asyncio.run(drive())
    assert (seed_repo / RECORDS / "0001-keep-dockerfile-image.md").is_file()


def test_the_change_is_checked_in_a_worker_and_writing_waits_for_it(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached, release = threading.Event(), threading.Event()

    def slow(request: DecisionRequest) -> str | None:
        reached.set()
        release.wait(10)
        return refusal(request)

    monkeypatch.setattr(wizard.record.write, "refusal", slow)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            for _ in range(5):
                await answer(pilot, "agree")
            await answer(pilot, "agree", advance=False)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert reached.wait(5)
            screen = app.screen
            assert isinstance(screen, SummaryScreen)
            assert "Checking whether a change of authority can be recorded…" in screen_text(app)
            assert screen.query_one("#change", Choice).disabled
            assert screen.query_one("#write", Button).disabled
            assert ("w", "Write record", True) in shown_keys(app)  # shown, not usable yet
            await pilot.press("w")
            await pilot.pause()
            assert app.screen is screen  # no confirmation while the check runs
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert (
                "Change is not offered: dockerfile-image is already the release authority"
                in screen_text(app)
            )
            assert not screen.query_one("#write", Button).disabled
            assert ("w", "Write record", False) in shown_keys(app)
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)

    asyncio.run(drive())


def test_an_unexpected_error_while_writing_is_shown_and_writing_can_be_retried(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []

    def fails_once(request: DecisionRequest, sign: bool, commit: bool) -> WrittenRecord:
        calls.append(sign)
        if len(calls) == 1:
            raise RuntimeError("the disk said [bold]no[/]")
        return write_decision(request, sign=sign, commit=commit)

    monkeypatch.setattr(screens.summary, "write_decision", fails_once)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            summary = app.screen
            assert isinstance(summary, SummaryScreen)
            await pilot.press("w", "y")
            await settled(pilot)
            assert isinstance(app.screen, MessageModal)
            shown = screen_text(app)
            assert "The record was not written" in shown
            assert "RuntimeError: the disk said [bold]no[/]" in shown
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen) and not summary.writing
            await pilot.press("w", "y")
            await settled(pilot)
            assert "✓ Wrote RA-0001" in screen_text(app)

    asyncio.run(drive())
    assert len(calls) == 2
    assert (seed_repo / RECORDS / "0001-keep-dockerfile-image.md").is_file()


def test_a_sign_off_left_without_a_name_is_missing_and_the_review_resumes_there(
    seed_repo: Path,
) -> None:
    """Leaving a gate by Escape or the palette skips its form's checks; the summary does not."""

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            app.show_gate(2)
            await pilot.pause()
            await answer(pilot, None, name="", advance=False)
            await pilot.press("escape")  # back to gate 2, without Next's checks
            await pilot.pause()
            app.show_summary()
            await settled(pilot)
            summary = screen_text(app)
            assert "Still missing:" in summary
            assert (
                "Gate 3 Publication-Parity: name/email invalid: the name must not be empty"
                in summary
            )
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, MessageModal)
            assert "The review is not complete" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            app.show_start()
            await pilot.pause()
            await pilot.press("enter")  # continue this review
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 2

    asyncio.run(drive())
    assert not (seed_repo / RECORDS).exists()


def test_a_chosen_change_is_chosen_again_once_the_check_allows_it(tmp_path: Path) -> None:
    """Back to gate 6 and to the summary again: the saved decision is shown once the worker
    has found nothing against it; while change is refused, keep is shown but the saved choice
    is not overwritten."""
    repo = nix_ready_repo(tmp_path / "repo")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            app.screen.query_one("#change", Choice).value = True
            await pilot.pause()
            assert app.review is not None and app.review.draft is not None
            assert app.review.draft.decision == "change"
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("ctrl+n")
            await settled(pilot)
            summary = app.screen
            assert isinstance(summary, SummaryScreen)
            assert summary.query_one("#change", Choice).value
            assert not summary.query_one("#keep", Choice).value
            assert summary.decision() == "change"
            assert app.review.draft.decision == "change"
            # Refused for now (a disagreement): keep is shown, the saved choice stays.
            await pilot.press("escape")
            await pilot.pause()
            await answer(pilot, "disagree", note="not yet")
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.query_one("#keep", Choice).value
            assert app.screen.query_one("#change", Choice).disabled
            assert app.review.draft.decision == "change"
            await pilot.press("escape")
            await pilot.pause()
            await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.query_one("#change", Choice).value

    asyncio.run(drive())
