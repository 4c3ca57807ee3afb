"""The footer shows the keys of the screen, and is rebuilt only when they change."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from screens.app import ReleaseGateApp
from screens.gate import GateScreen
from screens.keys import KeyFooter
from tests.tui.driver import scanned


def shown(app: ReleaseGateApp) -> list[tuple[str, str, bool]]:
    footer = app.screen.query_one(KeyFooter)
    return [
        (key.key, key.description, key.has_class("-disabled")) for key in footer.query(FooterKey)
    ]


def test_keys_follow_the_screen_and_are_not_rebuilt_when_unchanged(seed_repo: Path) -> None:
    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            assert shown(app) == [
                ("r", "Scan again", False),
                ("question_mark", "Help", False),
                ("ctrl+t", "Theme", False),
                ("ctrl+p", "palette", False),
            ]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, GateScreen)
            assert shown(app) == [
                ("tab", "Next field", False),
                ("ctrl+n", "Next", False),
                ("escape", "Back", False),
                ("question_mark", "Help", False),
                ("ctrl+t", "Theme", False),
                ("ctrl+p", "palette", False),
            ]
            keys = list(app.screen.query(FooterKey))
            await pilot.press("tab")  # focus moves into the form; the keys stay the same
            await pilot.pause()
            app.screen.refresh_bindings()
            await pilot.pause()
            assert list(app.screen.query(FooterKey)) == keys

    asyncio.run(drive())


def test_opening_a_gate_does_not_rebuild_its_footer(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys are there from the start; the signals opening a screen sends change nothing."""
    rebuilt: list[str] = []
    recompose = KeyFooter.recompose

    async def counted(self: KeyFooter) -> None:
        rebuilt.append(type(self.screen).__name__)
        await recompose(self)

    monkeypatch.setattr(KeyFooter, "recompose", counted)

    async def drive() -> None:
        app = ReleaseGateApp(str(seed_repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            rebuilt.clear()
            await pilot.press("enter")
            await pilot.pause()
            app.show_gate(1)
            await pilot.pause()
            assert isinstance(app.screen, GateScreen) and app.screen.index == 1
            assert ("ctrl+n", "Next", False) in shown(app)
        assert rebuilt == []

    asyncio.run(drive())
