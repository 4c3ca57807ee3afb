"""Driving the wizard in tests: what the screen shows as text, and answering a gate."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import ReleaseGateApp
from screens.gate import GateScreen
from screens.start import StartScreen
from screens.toggles import Choice

# Rich's SVG export draws each run of text at x = column * 12.2 on a numbered line.
_TEXT = re.compile(
    r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)
_CELL = 12.2


def screen_text(app: App[Any]) -> str:
    """The visible screen as plain text, one terminal row per line (from the SVG screenshot)."""
    rows: dict[int, list[str]] = defaultdict(list)
    for x, row, text in _TEXT.findall(app.export_screenshot()):
        cells = rows[int(row)]
        column = round(float(x) / _CELL)
        decoded = html.unescape(text).replace("\xa0", " ")
        cells.extend(" " * (column + len(decoded) - len(cells)))
        cells[column : column + len(decoded)] = decoded
    return "\n".join("".join(rows[r]).rstrip() for r in sorted(rows))


async def scanned(app: ReleaseGateApp, pilot: Pilot[int]) -> None:
    """Wait until the start screen's scan has ended and what it found is on screen (the scan's
    worker may not have started yet when the test begins)."""
    start = app.screen_stack[0]
    assert isinstance(start, StartScreen), start
    await until(pilot, lambda: not start.scanning, timeout=30)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def answer(
    pilot: Pilot[int],
    verdict: str | None,
    note: str = "",
    name: str | None = None,
    email: str | None = None,
    advance: bool = True,
) -> None:
    """Fill the sign-off form of the current gate (values set directly: typing is slow)."""
    screen = pilot.app.screen
    assert isinstance(screen, GateScreen), screen
    if verdict is not None:
        screen.query_one(f"#{verdict}", Choice).value = True
    screen.query_one("#note", Input).value = note
    if name is not None:
        screen.query_one("#name", Input).value = name
    if email is not None:
        screen.query_one("#email", Input).value = email
    await pilot.pause()
    if advance:
        await pilot.press("ctrl+n")
        await settled(pilot)


async def settled(pilot: Pilot[int]) -> None:
    """Wait for the work the screen started in threads (the summary checks "change" in one)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Pause until `condition()` holds (for work Textual does off the event loop)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def squeezed(text: str) -> str:
    """`text` with runs of spaces collapsed, for rows whose column widths depend on content."""
    return re.sub(r" {2,}", " ", text)


def flat(text: str) -> str:
    """`text` as one line with single spaces, for sentences the screen wraps."""
    return " ".join(text.split())
