"""Time from launch to the first gate screen of the wizard, next to a bare Textual app.

Each run is a fresh Python process, so imports count: the clock starts before Textual or the
wizard is imported and stops when the screen is mounted and painted (headless, `run_test`).

- wizard: scan the seed repository, show the start screen, choose the current authority,
  stop when gate 1 of 6 is on screen;
- bare: an App with Header, Static and Footer, stop when its screen is on screen.

Usage: python bench/tui_startup.py [--runs 7]
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
from pathlib import Path  # noqa: E402

SIZE = (120, 40)


async def _bare() -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return [time.perf_counter() - START]


async def _wizard(repo: str) -> list[float]:
    """Seconds since START at: imports done, start screen shown after the scan, gate 1 shown."""
    from screens.app import ReleaseGateApp
    from screens.gate import GateScreen

    imported = time.perf_counter() - START
    app = ReleaseGateApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        started = time.perf_counter() - START
        assert app.review is not None and app.review.current is not None
        app.choose_candidate(app.review.current)
        await pilot.pause()
        assert isinstance(app.screen, GateScreen), app.screen
        return [imported, started, time.perf_counter() - START]


def _child(kind: str, repo: str | None) -> None:
    marks = asyncio.run(_bare() if kind == "bare" else _wizard(str(repo)))
    print(" ".join(f"{mark:.6f}" for mark in marks))


def _measure(kind: str, repo: Path, runs: int, env: dict[str, str]) -> list[list[float]]:
    """One list of marks (seconds since the child started) per run."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(repo)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
        times.append([float(mark) for mark in out.strip().splitlines()[-1].split()])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=("bare", "wizard"), help=argparse.SUPPRESS)
    parser.add_argument("repo", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repo)
        return

    from wizard.sample import build_seed_repo

    with tempfile.TemporaryDirectory(prefix="rg-bench-") as temp:
        repo = build_seed_repo(Path(temp) / "seed")
        # Drafts the wizard saves go to a throwaway state directory, not the user's.
        env = {**os.environ, "XDG_STATE_HOME": str(Path(temp) / "state")}
        _measure("wizard", repo, 1, env)  # warm the file cache and .pyc files
        bare = _measure("bare", repo, args.runs, env)
        wizard = _measure("wizard", repo, args.runs, env)
    bare_ms = statistics.median(run[0] for run in bare) * 1000
    imports, started, gate = (statistics.median(run[i] for run in wizard) * 1000 for i in range(3))
    print(f"runs per case: {args.runs} (fresh process each, headless, {SIZE[0]}x{SIZE[1]})")
    print(f"bare Textual app (Header, Static, Footer) on screen: {bare_ms:6.0f} ms")
    print(f"wizard, launch to gate 1 on the seed repository:     {gate:6.0f} ms")
    print(f"  imports (Textual, screens, the core)               {imports:6.0f} ms")
    print(f"  + scan, evaluation, start screen                   {started - imports:6.0f} ms")
    print(f"  + candidate chosen, gate 1 on screen               {gate - started:6.0f} ms")
    print(f"ratio wizard / bare: {gate / bare_ms:.2f}x (target: under 2x and under 1000 ms)")


if __name__ == "__main__":
    main()
