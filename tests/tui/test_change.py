""" "Change the authority" is offered only when every gate is met and agreed with."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import RadioSet

from screens.app import ReleaseGateApp
from screens.modals import ConfirmModal
from screens.summary import SummaryScreen
from screens.toggles import Choice
from tests.gates.variants import NIX_RELEASE_WORKFLOW
from tests.tui.driver import answer, flat, scanned, screen_text, settled
from wizard.sample import build_seed_repo

RECORDS = "docs/decisions/release-authority"
NIX_STORY = (
    "Built by `nix build .#runner-dashboard-image` (flake.nix) and published by "
    "`.github/workflows/nix-release.yml`.\n"
)


def nix_ready_repo(dest: Path) -> Path:
    """The seed after the Nix image got a scanned, signed, tagged release, a declaration, an
    operational owner and docs that all tell the Nix story (both paths still publish: dual)."""
    return build_seed_repo(
        dest,
        extra={
            ".github/workflows/nix-release.yml": NIX_RELEASE_WORKFLOW,
            ".release-gate.yaml": (
                "ownership:\n  planning: '#171'\n  operational:\n"
                "    nix-image: '@tinyland-inc/platform'\n"
                "authority:\n  canonical: nix-image\n"
            ),
            "docs/dashboard/overview.md": "# Overview\n\nThe Nix-built OCI image.\n" + NIX_STORY,
            "docs/dashboard/container-build.md": "# Building the container\n\n" + NIX_STORY,
            "docs/dashboard/release.md": "# Releasing\n\nTag the release; " + NIX_STORY,
            "docs/operators/onboarding.md": "# Operator onboarding\n\nDeploy the image "
            + NIX_STORY,
        },
    )


def test_all_gates_met_and_agreed_offers_and_records_the_change(tmp_path: Path) -> None:
    repo = nix_ready_repo(tmp_path / "repo")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            assert "Nix image path — ✓ change allowed, 6 of 6 gates met" in screen_text(app)
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            for _ in range(5):
                await answer(pilot, "agree")
            # One gate short: the summary says why "change" is not offered yet.
            app.show_summary()
            await settled(pilot)
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.query_one("#change", Choice).disabled
            assert "Change is not offered: every gate needs a complete sign-off first" in (
                screen_text(app)
            )
            app.show_gate(5)
            await pilot.pause()
            await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            change = app.screen.query_one("#change", Choice)
            assert not change.disabled
            assert "Change is not offered" not in screen_text(app)
            decision = app.screen.query_one("#decision", RadioSet)
            assert decision.has_focus
            await pilot.press("down", "enter")  # keyboard: move to "Change", choose it
            await pilot.pause()
            assert change.value
            assert app.review is not None and app.review.draft is not None
            assert app.review.draft.decision == "change"
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            assert "Change the authority to Nix image path" in screen_text(app)
            await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert f"{RECORDS}/0001-change-to-nix-image.md" in screen_text(app)

    asyncio.run(drive())
    record = (repo / RECORDS / "0001-change-to-nix-image.md").read_text(encoding="utf-8")
    assert "decision: change" in record
    assert "candidate: nix-image" in record


def test_a_disagreement_takes_the_change_off_the_table(tmp_path: Path) -> None:
    repo = nix_ready_repo(tmp_path / "repo")

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            for index in range(6):
                if index == 2:
                    await answer(pilot, "disagree", note="tags are not immutable yet")
                else:
                    await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            assert app.screen.query_one("#change", Choice).disabled
            assert (
                "Change is not offered: a change of authority needs agreement on every gate; "
                "disagreement on gate 3 Publication-Parity" in flat(screen_text(app))
            )

    asyncio.run(drive())
