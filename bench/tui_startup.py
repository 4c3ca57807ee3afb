"""Time from launch to the first gate screen of the wizard, next to a bare Textual app.

Each run is a fresh Python process, so imports count: the clock starts before Textual or the
wizard is imported and stops when the app draws the first frame of the screen (headless,
`run_test`).

- wizard: scan the seed repository, show the start screen, choose the current authority,
  stop when gate 1 of 6 is on screen;
- ready: the same, but the review is unpickled from a file instead of scanned, so the figure is
  what Textual and the screens cost with a scan that takes no time;
- bare: an App with Header, Static and Footer, stop when its screen is on screen.

Usage: python bench/tui_startup.py [--runs 11]
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402 - the clock above must start before any import
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Awaitable, Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

SIZE = (120, 40)


def _paints(app: App[Any]) -> Callable[[Callable[[Screen[Any]], bool]], Awaitable[float]]:
    """`await painted(test)`: seconds since START at the first frame drawn of a screen passing
    `test`. Frames are caught where the app hands them to the driver, so the figure does not
    include the idle polling of `Pilot.pause` (20 ms steps)."""
    waiting: list[tuple[Callable[[Screen[Any]], bool], asyncio.Future[float]]] = []
    display = app._display

    def on_display(screen: Screen[Any], renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        for test, future in list(waiting):
            if renderable is not None and not future.done() and test(screen):
                future.set_result(time.perf_counter() - START)
                waiting.remove((test, future))

    app._display = on_display  # type: ignore[method-assign]

    def painted(test: Callable[[Screen[Any]], bool]) -> Awaitable[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        waiting.append((test, future))
        return future

    return painted


async def _bare() -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    app = Bare()
    painted = _paints(app)
    shown = painted(lambda screen: True)
    async with app.run_test(size=SIZE):
        return [await shown]


class _ReadyReview:
    """Stands in for the scan's process: its one event is a result saved earlier, read in the
    start screen's worker thread as the real one is."""

    cancelled = False

    def __init__(self, saved: Path) -> None:
        self.saved = saved

    def events(self) -> Iterator[object]:
        import pickle

        yield pickle.loads(self.saved.read_bytes())

    def cancel(self) -> None:
        pass


def _save_review(repo: Path, saved: Path) -> None:
    """What the scan's process would send for `repo`, written to `saved`."""
    import pickle

    from screens.loader import load_review
    from screens.scan_process import Loaded

    review = load_review(str(repo), None, progress=lambda stage, fraction: None)
    saved.write_bytes(pickle.dumps(Loaded(review), protocol=pickle.HIGHEST_PROTOCOL))


async def _wizard(repo: str, saved: str | None) -> list[float]:
    """Seconds since START at: imports done, start screen shown after the scan, gate 1 shown.
    With `saved`, the review is read from that file instead of scanned."""
    # As `release-gate` does it: the command line is loaded, and the scan's process starts
    # before Textual is imported.
    import wizard.cli  # noqa: F401
    from screens.scan_process import ScanProcess

    scan: Any = _ReadyReview(Path(saved)) if saved else ScanProcess(repo, None)
    from screens.app import ReleaseGateApp
    from screens.gate import GateScreen
    from screens.start import StartScreen

    imported = time.perf_counter() - START
    app = ReleaseGateApp(repo, scan=scan)
    painted = _paints(app)
    summary = painted(lambda screen: isinstance(screen, StartScreen) and app.review is not None)
    async with app.run_test(size=SIZE):
        started = await summary
        assert app.review is not None and app.review.current is not None
        gate = painted(lambda screen: isinstance(screen, GateScreen))
        app.choose_candidate(app.review.current)
        return [imported, started, await gate]


def _child(kind: str, repo: str, saved: str | None) -> None:
    if kind == "bare":
        marks = asyncio.run(_bare())
    else:
        marks = asyncio.run(_wizard(repo, saved if kind == "ready" else None))
    print(" ".join(f"{mark:.6f}" for mark in marks))


def _measure(kind: str, repo: Path, saved: Path, env: dict[str, str]) -> list[float]:
    """The marks of one run (seconds since the child started)."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(repo), str(saved)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return [float(mark) for mark in out.strip().splitlines()[-1].split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--child", choices=("bare", "wizard", "ready"), help=argparse.SUPPRESS)
    parser.add_argument("repo", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("saved", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repo, args.saved)
        return

    from wizard.sample import build_seed_repo

    with tempfile.TemporaryDirectory(prefix="rg-bench-") as temp:
        repo = build_seed_repo(Path(temp) / "seed")
        # Drafts the wizard saves go to a throwaway state directory, not the user's. Bytecode is
        # cached (in the temp directory) as it is for an installed tool, even where the
        # environment turns caching off.
        env = {
            **os.environ,
            "XDG_STATE_HOME": str(Path(temp) / "state"),
            "PYTHONPYCACHEPREFIX": str(Path(temp) / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        saved = Path(temp) / "review.pickle"
        _save_review(repo, saved)
        _measure("wizard", repo, saved, env)  # warm the file cache and .pyc files
        # Alternated, so a slower spell of a shared machine weighs on every case alike.
        runs: dict[str, list[list[float]]] = {"bare": [], "wizard": [], "ready": []}
        for _ in range(args.runs):
            for kind, marks in runs.items():
                marks.append(_measure(kind, repo, saved, env))
    bare_ms = statistics.median(run[0] for run in runs["bare"]) * 1000
    print(f"runs per case: {args.runs} (fresh process each, headless, {SIZE[0]}x{SIZE[1]})")
    print(f"bare Textual app (Header, Static, Footer) on screen:  {bare_ms:6.0f} ms")
    for kind, title in (
        ("wizard", "wizard, launch to gate 1 on the seed repository:"),
        ("ready", "the same with the review ready (no scan):"),
    ):
        imports, started, gate = (
            statistics.median(run[i] for run in runs[kind]) * 1000 for i in range(3)
        )
        print(f"{title:<53}{gate:6.0f} ms  ({gate / bare_ms:.2f}x the bare app)")
        print(f"  imports (Textual, the screens; the scan runs)       {imports:6.0f} ms")
        print(f"  + app started, review received, start screen        {started - imports:6.0f} ms")
        print(f"  + candidate chosen, gate 1 on screen                {gate - started:6.0f} ms")
    print("target: under 2x the bare app and under 1000 ms")


if __name__ == "__main__":
    main()
