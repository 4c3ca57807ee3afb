"""Fixtures with real keys; every agent and GnuPG home started here is stopped in teardown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.signing.keys import (
    GpgIdentity,
    SshAgent,
    SshKey,
    make_gpg_identity,
    make_ssh_key,
    remove_gpg_home,
)


@pytest.fixture
def alice(tmp_path: Path) -> SshKey:
    """An ed25519 key file pair (private key on disk, no passphrase)."""
    return make_ssh_key(tmp_path / "keys", "alice")


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Iterator[SshAgent]:
    running = SshAgent()
    monkeypatch.setenv("SSH_AUTH_SOCK", str(running.socket))
    yield running
    running.stop()


@pytest.fixture
def carol(tmp_path: Path, agent: SshAgent) -> SshKey:
    """A key whose private half lives ONLY in the test ssh-agent (deleted from disk)."""
    key = make_ssh_key(tmp_path / "agent-keys", "carol")
    agent.add(key)
    key.private.unlink()
    return key


@pytest.fixture
def gpg_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., GpgIdentity]]:
    """Factory for throwaway GnuPG homes; the last one made becomes GNUPGHOME."""
    homes: list[Path] = []

    def factory(name: str, email: str, *extra: str, passphrase: str = "") -> GpgIdentity:
        identity = make_gpg_identity(
            tmp_path / "keyrings", name, email, *extra, passphrase=passphrase
        )
        homes.append(identity.home)
        monkeypatch.setenv("GNUPGHOME", str(identity.home))
        return identity

    yield factory
    for home in homes:
        remove_gpg_home(home)


@pytest.fixture
def bob(gpg_identity: Callable[..., GpgIdentity]) -> GpgIdentity:
    return gpg_identity("Bob", "bob@example.org")
