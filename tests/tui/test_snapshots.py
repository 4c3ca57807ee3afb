"""Snapshots of the start screen, a gate screen and the summary at 120x40.

The seed repository is committed with fixed dates (so HEAD is the same commit every run) and the
repository path is shown as a fixed label. Regenerate with `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import ReleaseGateApp
from tests.tui.driver import answer, scanned
from wizard.sample import build_seed_repo

SIZE = (120, 40)
SnapCompare = Callable[..., bool]
FIXED_DATE = "2026-04-16T12:00:00+00:00"


@pytest.fixture
def dated_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_AUTHOR_DATE", FIXED_DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", FIXED_DATE)
    return build_seed_repo(tmp_path / "seed")


def wizard(repo: Path) -> ReleaseGateApp:
    return ReleaseGateApp(str(repo), root_label="~/src/runner-dashboard")


async def settle(pilot: Pilot[int]) -> None:
    await scanned(cast(ReleaseGateApp, pilot.app), pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def steps(*keys: str, gates: int = 0) -> Callable[[Pilot[int]], Awaitable[None]]:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        for index in range(gates):
            await answer(pilot, "disagree" if index == 1 else "agree", note=_note(index))
        await settle(pilot)

    return run_before


def _note(index: int) -> str:
    return "cosign keyless is not wired for the Nix image yet" if index == 1 else ""


def test_start_screen(snap_compare: SnapCompare, dated_seed: Path) -> None:
    assert snap_compare(wizard(dated_seed), run_before=steps(), terminal_size=SIZE)


def test_gate_screen(snap_compare: SnapCompare, dated_seed: Path) -> None:
    # Review the Nix image; sign off gate 1 and land on gate 2, Security-Parity.
    run_before = steps("down", "down", "enter", gates=1)
    assert snap_compare(wizard(dated_seed), run_before=run_before, terminal_size=SIZE)


def test_summary_screen(snap_compare: SnapCompare, dated_seed: Path) -> None:
    run_before = steps("down", "down", "enter", gates=6)
    assert snap_compare(wizard(dated_seed), run_before=run_before, terminal_size=SIZE)
