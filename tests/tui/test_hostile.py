"""Repository text that looks like markup or carries terminal controls is shown as typed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult

from screens.app import ReleaseGateApp
from screens.evidence import EvidenceList
from screens.gate import GateScreen
from screens.modals import ExcerptModal, MessageModal
from screens.summary import SummaryScreen
from tests.tui.driver import answer, scanned, screen_text
from wizard.facts import Evidence, Fact, Problem
from wizard.gates.model import RequirementResult
from wizard.sample import SEED_FILES, build_seed_repo

HOSTILE = ["[bold red]x[/]", "[/", "[0]", "ends in \\", "[link=file:///etc/passwd]y[/link]"]


def hostile_repo(dest: Path) -> Path:
    """The seed with its branch-build workflow renamed to `[bold red]x[0].yml`, branch tags
    `[/\\` and `<RLO>evil[0]`, an unparsable workflow whose name holds `[0]` and an RTL override,
    and an ANSI colour sequence inside a release doc line that is evidence for gate 5."""
    workflow = SEED_FILES[".github/workflows/build-image.yml"].replace(
        "type=sha", "type=raw,value=[/\\\n            type=raw,value=\u202eevil[0]"
    )
    release_doc = SEED_FILES["docs/dashboard/release.md"].replace("`ghcr.io", "`\x1b[31mghcr.io", 1)
    return build_seed_repo(
        dest,
        extra={
            ".github/workflows/build-image.yml": None,
            ".github/workflows/[bold red]x[0].yml": workflow,
            ".github/workflows/[0] broken \u202e.yml": "on: [push\njobs: {",
            "docs/dashboard/release.md": release_doc,
        },
    )


def test_hostile_names_reach_the_summary_literally(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path / "hostile")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            start = screen_text(app)
            assert "→ .github/workflows/[bold red]x[0].yml:52" in start
            assert "! invalid YAML: did not find expected ',' or ']'" in start
            assert "→ .github/workflows/[0] broken <U+202E>.yml:2" in start
            assert "\u202e" not in start

            await pilot.press("down", "enter")  # review the current authority
            await pilot.pause()
            gate1 = screen_text(app)
            assert "• .github/workflows/[bold red]x[0].yml publishes runner-dashboard" in gate1

            await answer(pilot, "agree")
            await answer(pilot, "disagree", note="[bold red]x[/] [/ [0] ends in \\")
            publication = screen_text(app)
            assert "push type=raw,value=[/\\, type=raw,value=<U+202E>evil[0]" in publication
            await answer(pilot, "agree")
            await answer(pilot, "agree")

            # Gate 5 cites the release doc line that holds an escape sequence.
            assert isinstance(app.screen, GateScreen) and app.screen.index == 4
            findings = app.screen.query_one("#findings", EvidenceList)
            release_rows = [
                i
                for i in range(findings.option_count)
                if "docs/dashboard/release.md:5" in str(findings.get_option_at_index(i).prompt)
            ]
            findings.focus()
            findings.highlighted = release_rows[0]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExcerptModal)
            excerpt = screen_text(app)
            assert "▶     5     `ghcr.io/tinyland-inc/runner-dashboard:1.4.2`" in excerpt
            assert "[31m" not in excerpt and "\x1b" not in excerpt
            await pilot.press("escape")
            await pilot.pause()

            await answer(pilot, "agree")
            await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            assert "[bold red]x[/] [/ [0] ends in \\" in screen_text(app)

    asyncio.run(drive())


class Showcase(App[None]):
    """Every kind of row of the evidence list, plus the error modal, fed hostile text."""

    def compose(self) -> ComposeResult:
        yield EvidenceList(id="list")

    def on_mount(self) -> None:
        rows = self.query_one(EvidenceList)
        for index, text in enumerate(HOSTILE):
            evidence = Evidence(f"docs/{text}", index + 1, None)
            rows.requirement(
                RequirementResult(f"r{index}", text, "c", "needs-review", text, [evidence])
            )
            rows.fact(Fact(f"f{index}", "ownership", f"fact {text}", [evidence]))
            rows.problem(Problem(f"{text}.yml", None, f"problem {text}"))
        self.push_screen(MessageModal("Could not write", "\n".join(HOSTILE)))


def test_markup_lookalikes_render_as_typed_in_every_widget() -> None:
    async def drive() -> None:
        app = Showcase()
        async with app.run_test(size=(100, 60)) as pilot:
            await pilot.pause()
            modal = screen_text(app)
            for text in HOSTILE:
                assert text in modal
            await pilot.press("escape")
            await pilot.pause()
            shown = screen_text(app)
            for text in HOSTILE:
                assert f"? REVIEW  {text}" in shown
                assert f"→ docs/{text}:" in shown
                assert f"• fact {text}" in shown
                assert f"! problem {text}" in shown

    asyncio.run(drive())
