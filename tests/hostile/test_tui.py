"""The wizard's start screen over hostile repositories: the summary appears, repository text that
looks like markup is shown as typed, terminal controls never reach the screen, and a hostile
configuration is one sentence on screen."""

from __future__ import annotations

import asyncio
import time

from screens.app import ReleaseGateApp
from screens.evidence import EvidenceList
from screens.modals import ExcerptModal
from screens.start import StartScreen
from tests.hostile.conftest import Corpus
from tests.hostile.corpus import BROKEN_MARKUP_WORKFLOW
from tests.tui.driver import scanned, screen_text

SIZE = (140, 50)
_RAW_CONTROLS = ("\x1b", "\x9b", "\u202e")


def _start_screen(app: ReleaseGateApp) -> str:
    assert isinstance(app.screen, StartScreen)
    text = screen_text(app)
    assert not any(c in text for c in _RAW_CONTROLS)
    return text


def test_markup_ansi_and_rtl_names_are_shown_as_typed(corpus: Corpus) -> None:
    repo = corpus.repo("markup")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo), root_label="REPO")
        async with app.run_test(size=SIZE) as pilot:
            await scanned(app, pilot)
            text = _start_screen(app)
            assert " Authority   Dockerfile image path (dockerfile-image)" in text
            assert " Problems    2 found while scanning" in text
            assert "! invalid YAML: control characters are not allowed (U+001B)" in text
            assert "→ .github/workflows/[bold red]broken[0] <U+202E>\\.yml:2" in text
            assert "→ .github/workflows/red2J.yml:2" in text

            # The file itself, around the problem line: `[bold]` as written, the escape gone.
            overview = app.screen.query_one("#overview", EvidenceList)
            row = next(
                i for i in range(overview.option_count)
                if "broken" in str(overview.get_option_at_index(i).prompt)
            )
            overview.focus()
            overview.highlighted = row
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExcerptModal)
            excerpt = screen_text(app)
            assert ".github/workflows/[bold red]broken[0] <U+202E>\\.yml:2" in excerpt
            assert "▶     2  jobs: [bold]  " in excerpt
            assert not any(c in excerpt for c in _RAW_CONTROLS)

    asyncio.run(drive())
    assert BROKEN_MARKUP_WORKFLOW.endswith("\u202e\\.yml")


def test_a_200_mib_markdown_file_is_a_problem_on_the_start_screen(corpus: Corpus) -> None:
    repo = corpus.repo("huge-markdown")

    async def drive() -> float:
        app = ReleaseGateApp(str(repo), root_label="REPO")
        async with app.run_test(size=SIZE) as pilot:
            started = time.perf_counter()
            await scanned(app, pilot)
            elapsed = time.perf_counter() - started
            text = _start_screen(app)
            assert " Authority   Dockerfile image path (dockerfile-image)" in text
            assert "! 209715200 bytes is over the 4194304 byte read limit; not read" in text
            assert "→ docs/huge.md" in text
            assert "Confirm the current authority: Dockerfile image path" in text
        return elapsed

    assert asyncio.run(drive()) < 20


def test_a_hostile_configuration_is_one_sentence_on_screen(corpus: Corpus) -> None:
    repo = corpus.repo("config-alias-bomb")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo), root_label="REPO")
        async with app.run_test(size=SIZE) as pilot:
            await scanned(app, pilot)
            text = _start_screen(app)
            assert (
                "  .release-gate.yaml:6: document expands to more than 200000 nodes (alias bomb?)"
                in text
            )
            assert "Press r to scan again, Ctrl+Q to quit." in text
            assert app.review is None

    asyncio.run(drive())
