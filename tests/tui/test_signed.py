"""With an SSH signing key in git's config the record is signed by default, and verifies."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from screens.app import ReleaseGateApp
from screens.modals import MessageModal
from screens.summary import SummaryScreen
from screens.toggles import Choice, Tick
from tests.signing.keys import make_ssh_key
from tests.tui.driver import answer, scanned, screen_text
from wizard.record.verify import verify_record
from wizard.sample import build_seed_repo

RECORDS = "docs/decisions/release-authority"


def signing_repo(tmp_path: Path) -> Path:
    key = make_ssh_key(tmp_path / "keys", "ada")
    allowed = f'ada@example.org namespaces="release-gate" {key.public_text}\n'
    repo = build_seed_repo(tmp_path / "repo", extra={".github/allowed_signers": allowed})
    for setting in (("gpg.format", "ssh"), ("user.signingkey", str(key.private))):
        subprocess.run(["git", "config", *setting], cwd=repo, check=True)
    return repo


def test_confirming_the_current_authority_writes_a_signed_record(tmp_path: Path) -> None:
    repo = signing_repo(tmp_path)

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            assert f"Signing     ssh key {tmp_path / 'keys' / 'ada'}" in screen_text(app)
            await pilot.press("enter")  # confirm the current authority
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            assert isinstance(app.screen, SummaryScreen)
            summary = screen_text(app)
            assert "Change is not offered: dockerfile-image is already the release authority" in (
                summary
            )
            assert app.screen.query_one("#change", Choice).disabled
            assert app.screen.query_one("#sign", Tick).value
            await pilot.press("w", "y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "(signed)" in screen_text(app)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_value == 0

    asyncio.run(drive())
    envelope = repo / RECORDS / "0001-keep-dockerfile-image.intoto.json"
    assert len(json.loads(envelope.read_text(encoding="utf-8"))["signatures"]) == 1
    outcome = verify_record(envelope, allowed_signers=repo / ".github" / "allowed_signers")
    assert outcome.ok, outcome.failure
    assert [s.principal for s in outcome.signers] == ["ada@example.org"]


def test_a_signing_failure_is_shown_and_the_review_stays(tmp_path: Path) -> None:
    repo = signing_repo(tmp_path)
    (tmp_path / "keys" / "ada").unlink()  # git still names the key; ssh-keygen cannot use it

    async def drive() -> None:
        app = ReleaseGateApp(str(repo))
        async with app.run_test(size=(120, 40)) as pilot:
            await scanned(app, pilot)
            await pilot.press("enter")
            await pilot.pause()
            for _ in range(6):
                await answer(pilot, "agree")
            await pilot.press("w", "y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, MessageModal)
            assert "The record was not written" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            # Unsigned is still possible, and the sign-offs are all there.
            app.screen.query_one("#sign", Tick).value = False
            await pilot.press("w", "y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "(unsigned: run release-gate sign to sign it)" in screen_text(app)

    asyncio.run(drive())
    assert (repo / RECORDS / "0001-keep-dockerfile-image.md").is_file()
