"""Sign-offs survive a crash: the next start offers the draft, and says what changed since."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, OptionList

from screens.app import ReleaseGateApp
from screens.gate import GateScreen
from screens.modals import ConfirmModal
from screens.start import StartScreen
from screens.summary import SummaryScreen
from screens.toggles import Choice
from tests.gates.variants import NIX_RELEASE_WORKFLOW
from tests.tui.driver import answer, scanned, screen_text, settled, squeezed
from wizard.draft import draft_path
from wizard.sample import commit_files


async def review_two_gates_and_crash(repo: Path) -> None:
    """Answer gates 1 and 2 of the Nix image, start typing on gate 3, then stop the app."""
    app = ReleaseGateApp(str(repo))
    async with app.run_test(size=(100, 30)) as pilot:
        await scanned(app, pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        await answer(pilot, "agree")
        await answer(pilot, "disagree", note="signing is planned for Q3")
        await answer(pilot, None, note="half a thought", advance=False)
        assert isinstance(app.screen, GateScreen) and app.screen.index == 2
        # No clean shutdown path runs here: leaving run_test just stops the app.


def test_resume_after_a_crash_keeps_the_sign_offs(seed_repo: Path) -> None:
    asyncio.run(review_two_gates_and_crash(seed_repo))

    async def resume() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            start = screen_text(app)
            assert "Resume the saved review of Nix image path (2 of 6 signed off)" in start
            assert "HEAD moved" not in start
            picker = app.screen.query_one("#picker", OptionList)
            assert picker.highlighted == 0
            await pilot.press("enter")
            await pilot.pause()
            # The first gate without a sign-off, with what was typed there.
            assert isinstance(app.screen, GateScreen) and app.screen.index == 2
            assert app.screen.query_one("#note", Input).value == "half a thought"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            assert app.screen.query_one("#disagree", Choice).value
            assert app.screen.query_one("#note", Input).value == "signing is planned for Q3"
            app.show_summary()
            await settled(pilot)
            summary = squeezed(screen_text(app))
            assert "1 Source-Of-Truth ✗ NOT MET agree Ada Maintainer" in summary
            assert "signing is planned for Q3" in summary
            assert "Gate 3 Publication-Parity: no sign-off yet" in summary

    asyncio.run(resume())


def test_head_moved_lists_the_gates_whose_verdict_changed(seed_repo: Path) -> None:
    asyncio.run(review_two_gates_and_crash(seed_repo))
    commit_files(
        seed_repo, {".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW}, "release nix"
    )

    async def resume() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            start = screen_text(app)
            assert "HEAD moved since the draft was saved (was " in start
            assert (
                "Gate 2 Security-Parity: the verdict changed from not-met to met since your "
                "sign-off." in start
            )
            assert "Gate 1 Source-Of-Truth: the verdict changed" not in start
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            assert (
                "The tool's verdict changed from not-met to met since this sign-off; review it "
                "and press Next again." in screen_text(app)
            )
            app.show_summary()
            await settled(pilot)
            assert (
                "Gate 2 Security-Parity: the tool's verdict changed from not-met to met since "
                "the sign-off; review it again" in screen_text(app)
            )
            # Confirming the gate again clears the warning.
            app.show_gate(1)
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 2
            app.show_gate(1)
            await pilot.pause()
            assert "The tool's verdict changed" not in screen_text(app)

    asyncio.run(resume())


def test_choosing_another_candidate_asks_before_discarding_the_draft(seed_repo: Path) -> None:
    asyncio.run(review_two_gates_and_crash(seed_repo))

    async def restart() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            await pilot.press("down", "down", "down", "down", "enter")  # the derivation path
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            assert "has 2 sign-off(s)" in screen_text(app)
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 0
            assert app.review is not None and app.review.draft is not None
            assert app.review.draft.candidate == "nix-derivation"
            assert app.review.draft.answers == {}

    asyncio.run(restart())


def test_a_corrupt_draft_is_reported_and_ignored(seed_repo: Path) -> None:
    path = draft_path(str(seed_repo.resolve()))
    path.parent.mkdir(parents=True)
    path.write_text('{"schema": "release-gate.draft/v1", "answers": [', encoding="utf-8")

    async def start() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            text = screen_text(app)
            assert "Draft ! saved draft" in squeezed(text)
            assert "is not valid JSON" in text
            assert "Resume" not in text
            await pilot.press("enter")
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)

    asyncio.run(start())
