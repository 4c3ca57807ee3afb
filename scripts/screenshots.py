"""Regenerate the README screenshots from the demo repository (what `release-gate demo` opens).

    python scripts/screenshots.py [--out docs/screenshots]

Builds the seed-state sample repository in a temporary directory with fixed commit dates (so
the HEAD shown is the same commit every time), runs the wizard headless at 120x40 and saves SVG
screenshots of the start screen and of gate 2 while reviewing the Nix image path. Git sees a
demo identity instead of the user's configuration, and drafts go to a throwaway state
directory, so nothing personal ends up in the pictures or in the user's state.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from textual.pilot import Pilot

FIXED_DATE = "2026-04-16T12:00:00+00:00"
SIZE = (120, 40)
ROOT_LABEL = "~/src/runner-dashboard"


async def _shoot(repo: Path, out: Path) -> list[Path]:
    from screens.app import ReleaseGateApp
    from screens.gate import GateScreen
    from screens.start import StartScreen

    app = ReleaseGateApp(str(repo), root_label=ROOT_LABEL)
    saved: list[Path] = []

    async def save(pilot: Pilot[int], name: str) -> None:
        await pilot.pause()
        saved.append(Path(app.save_screenshot(f"{name}.svg", str(out))))

    async with app.run_test(size=SIZE) as pilot:
        start = app.screen
        assert isinstance(start, StartScreen), start
        while start.scanning:  # the scan's worker may not have started yet
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await save(pilot, "start")
        await pilot.press("down", "down", "enter")  # the Nix image path
        await pilot.pause()
        await pilot.press("tab", "enter", "ctrl+n")  # agree with gate 1, go on to gate 2
        await pilot.pause()
        assert isinstance(app.screen, GateScreen) and app.screen.index == 1, app.screen
        await save(pilot, "gate")
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="docs/screenshots", help="directory for the SVG files")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rg-screenshots-") as temp:
        gitconfig = Path(temp) / "gitconfig"
        gitconfig.write_text(
            "[user]\n\tname = Ada Maintainer\n\temail = ada@example.org\n", encoding="utf-8"
        )
        os.environ.update(
            GIT_AUTHOR_DATE=FIXED_DATE,
            GIT_COMMITTER_DATE=FIXED_DATE,
            GIT_CONFIG_GLOBAL=str(gitconfig),
            GIT_CONFIG_NOSYSTEM="1",
            XDG_STATE_HOME=str(Path(temp) / "state"),
        )
        from wizard.sample import build_seed_repo

        repo = build_seed_repo(Path(temp) / "runner-dashboard")
        for path in asyncio.run(_shoot(repo, out)):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
