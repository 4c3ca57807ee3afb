"""The whole wizard on the seed repository, from the scan to a written decision record."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, OptionList, RadioSet

from screens.app import ReleaseGateApp
from screens.gate import GateScreen
from screens.modals import ConfirmModal, ExcerptModal, HelpModal, MessageModal
from screens.start import StartScreen
from screens.summary import SummaryScreen
from screens.toggles import Choice, Tick
from tests.tui.driver import answer, scanned, screen_text, settled, squeezed, until
from wizard.draft import draft_path, load_draft
from wizard.text import md_text

RECORDS = "docs/decisions/release-authority"


def test_review_of_the_nix_image_to_a_written_keep_record(seed_repo: Path) -> None:
    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            assert isinstance(app.screen, StartScreen)
            start = screen_text(app)
            assert app.review is not None and app.review.scan.repo.head is not None
            assert f"HEAD        {app.review.scan.repo.head[:12]} on main" in start
            assert "Dockerfile image path (dockerfile-image)" in start
            assert "Nix image path — ✗ change not allowed, 0 of 6 gates met" in start

            picker = app.screen.query_one("#picker", OptionList)
            assert picker.has_focus
            await pilot.press("down", "down", "enter")  # confirm current, Dockerfile, Nix image
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 0
            gate1 = screen_text(app)
            assert "Gate 1 of 6  Source-Of-Truth" in gate1
            assert "tool verdict ✗ NOT MET" in gate1
            assert "✗ NOT MET  The repository declares this surface" in gate1

            # Gate 1 by keyboard only: Tab from the findings to the verdict, Enter picks Agree.
            await pilot.press("tab", "enter")
            await pilot.pause()
            assert app.screen.query_one("#agree", Choice).value
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1

            # Gate 2: disagreeing without a note is refused; the screen stays and says why.
            await answer(pilot, "disagree", note="   ")
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            assert "A note is required because you disagree with the tool's verdict." in (
                screen_text(app)
            )
            assert app.screen.query_one("#note", Input).has_focus
            await answer(pilot, "disagree", note="cosign is planned; [bold]not[/] yet wired")
            assert isinstance(app.screen, GateScreen) and app.screen.index == 2

            await answer(pilot, "agree")
            await answer(pilot, "agree", note="checked the stack by hand")
            assert isinstance(app.screen, GateScreen) and app.screen.index == 4

            # Back twice to gate 3 and 2: the answers given are still there.
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 2
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            assert app.screen.query_one("#disagree", Choice).value
            assert app.screen.query_one("#note", Input).value == (
                "cosign is planned; [bold]not[/] yet wired"
            )
            for _ in range(3):
                await pilot.press("ctrl+n")
                await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 4

            await answer(pilot, "agree")
            await answer(pilot, "agree", name="Ada  Maintainer", email="ada@example.org")
            assert isinstance(app.screen, SummaryScreen)

            summary = screen_text(app)
            assert "2 Security-Parity ✗ NOT MET disagree Ada Maintainer" in squeezed(summary)
            assert "cosign is planned; [bold]not[/] yet wir…" in summary  # shortened to 40
            assert "✓ All six gates are signed off." in summary
            assert "Change is not offered: a change of authority needs all six gates met" in summary
            assert app.screen.query_one("#change", Choice).disabled
            assert app.screen.query_one("#keep", Choice).value
            assert not app.screen.query_one("#sign", Tick).value  # no signing key configured

            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            assert "Keep the current authority (Dockerfile image path)" in screen_text(app)
            await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            written = screen_text(app)
            assert "✓ Wrote RA-0001" in written
            assert f"{RECORDS}/0001-keep-nix-image.md" in written
            assert "(unsigned: run release-gate sign to sign it)" in written
            assert not draft_path(app.review.scan.repo.root).exists()
            await pilot.press("enter")
            await pilot.pause()
        assert app.return_value == 0

    asyncio.run(drive())
    record = (seed_repo / RECORDS / "0001-keep-nix-image.md").read_text(encoding="utf-8")
    assert "decision: keep" in record
    assert md_text("cosign is planned; [bold]not[/] yet wired") in record
    assert "checked the stack by hand" in record
    assert "Ada Maintainer" in record
    assert (seed_repo / RECORDS / "0001-keep-nix-image.intoto.json").is_file()


def test_name_and_email_come_from_git_config_and_are_validated(seed_repo: Path) -> None:
    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(100, 30)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")  # confirm the current authority
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, GateScreen)
            assert screen.query_one("#name", Input).value == "Ada Maintainer"
            assert screen.query_one("#email", Input).value == "ada@example.org"
            await answer(pilot, "agree", email="not an address")
            assert app.screen is screen
            assert "'not an address' is not an email address" in screen_text(app)
            assert screen.query_one("#email", Input).has_focus
            await answer(pilot, None, advance=False)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.screen is screen
            # With the mouse: pick Agree, fix the fields, click Next.
            await pilot.click("#agree")
            await answer(pilot, None, name="Grace", email="grace@example.org", advance=False)
            assert screen.query_one("#agree", Choice).value
            await pilot.click("#next")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            # The next gate is prefilled with the identity used last.
            assert app.screen.query_one("#name", Input).value == "Grace"
            draft = load_draft(str(seed_repo.resolve()))
            assert draft is not None
            assert draft.answers["source-of-truth"].email == "grace@example.org"
            assert draft.candidate == "dockerfile-image"

    asyncio.run(drive())


def test_evidence_excerpt_palette_help_and_theme(seed_repo: Path) -> None:
    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            # The first selectable row of gate 1 is the first piece of evidence.
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ExcerptModal)
            excerpt = screen_text(app)
            assert ".github/workflows/build-image.yml:51" in excerpt
            assert "▶    51          uses: docker/build-push-action@v6" in excerpt
            assert "50          id: build" in excerpt
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen)

            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"gate 5")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 4
            assert "Gate 5 of 6  Documentation-Convergence" in screen_text(app)

            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpModal)
            # Markdown is parsed in a thread; wait until it shows.
            await until(pilot, lambda: "reviewing a change of release" in screen_text(app))
            await pilot.press("escape")
            await pilot.pause()

            assert app.theme == "textual-dark"
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert app.theme == "textual-light"

            # Back to the start: the same candidate continues the review in progress.
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"start")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
            assert "Continue this review of Dockerfile image path" in screen_text(app)

    asyncio.run(drive())


def test_summary_refuses_to_write_an_incomplete_review(seed_repo: Path) -> None:
    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            await answer(pilot, "agree")
            app.show_summary()
            await settled(pilot)
            summary = screen_text(app)
            assert "Still missing:" in summary
            assert "Gate 2 Security-Parity: no sign-off yet" in summary
            assert "2 Security-Parity ✓ MET — missing" in squeezed(summary)
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, MessageModal)
            assert "Gate 6 Ownership: no sign-off yet" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.query_one("#decision", RadioSet).pressed_button is not None
        assert app.return_value is None

    asyncio.run(drive())
    assert not (seed_repo / RECORDS).exists()
