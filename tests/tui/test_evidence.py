"""The evidence list wraps each row at the width it is drawn at, under its lead."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.content import Content

from screens.evidence import EvidenceList
from tests.tui.driver import screen_text
from wizard.facts import Evidence

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron"


class Rows(App[None]):
    CSS = "EvidenceList { width: 40; height: 12; border: none; padding: 0; }"

    def compose(self) -> ComposeResult:
        yield EvidenceList(id="list")

    def on_mount(self) -> None:
        rows = self.query_one(EvidenceList)
        rows.text(Content("x" * 38), lead="• ")  # 40 cells: exactly the width
        rows.text(Content(WORDS), lead="• ")
        rows.evidence(Evidence("docs/" + "d" * 40 + ".md", 7, None))


def test_rows_use_the_whole_width_and_wrap_under_their_lead() -> None:
    async def drive() -> None:
        app = Rows()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            shown = screen_text(app).splitlines()
            assert shown[:6] == [
                "• " + "x" * 38,
                "• alpha beta gamma delta epsilon zeta",
                "  eta theta iota kappa lambda mu nu xi",
                "  omicron",
                "    → docs/" + "d" * 29,
                "      " + "d" * 11 + ".md:7",
            ]

    asyncio.run(drive())
