"""Reading the signing key and format from git's own configuration."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.signing.keys import SshAgent, SshKey
from wizard.signing.errors import SigningError
from wizard.signing.gitconfig import SigningConfig, signing_config

FINGERPRINT = "AAA2788910521F4D93EB00052A1D4BBE0CF7FB45"


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"README.md": "# project\n"})


def git_config(repo: Path, *pairs: tuple[str, str], scope: str = "--local") -> None:
    for name, value in pairs:
        subprocess.run(["git", "config", scope, name, value], cwd=repo, check=True)


def test_ssh_format_with_a_tilde_key_path(repo: Path) -> None:
    git_config(repo, ("gpg.format", "ssh"), ("user.signingKey", "~/.ssh/id_ed25519.pub"))
    home = Path.home()
    assert signing_config(repo) == SigningConfig(
        format="ssh", key=str(home / ".ssh/id_ed25519.pub"), program=None
    )


def test_ssh_format_with_a_key_literal_and_program(repo: Path, alice: SshKey) -> None:
    git_config(
        repo,
        ("gpg.format", "ssh"),
        ("user.signingkey", alice.literal),
    )
    git_config(repo, ("gpg.ssh.program", "/opt/openssh/bin/ssh-keygen"), scope="--global")
    key_type, blob = alice.public_text.split()[:2]
    assert signing_config(repo) == SigningConfig(
        format="ssh", key=f"key::{key_type} {blob}", program="/opt/openssh/bin/ssh-keygen"
    )


def test_relative_key_path_is_taken_from_the_repository_root(repo: Path) -> None:
    git_config(repo, ("gpg.format", "ssh"), ("user.signingkey", "keys/maintainer.pub"))
    assert signing_config(repo).key == str(repo / "keys/maintainer.pub")


def test_openpgp_format_with_programs(repo: Path) -> None:
    git_config(repo, ("gpg.format", "openpgp"), ("user.signingkey", FINGERPRINT))
    assert signing_config(repo) == SigningConfig(format="openpgp", key=FINGERPRINT, program=None)
    git_config(repo, ("gpg.program", "gpg2"), scope="--global")
    assert signing_config(repo).program == "gpg2"
    git_config(repo, ("gpg.openpgp.program", "/usr/local/bin/gpg"), scope="--global")
    assert signing_config(repo).program == "/usr/local/bin/gpg"


@pytest.mark.parametrize(
    "key",
    [FINGERPRINT, "0x0CF7FB45", "2A1D4BBE0CF7FB45!", "bob@example.org", "Bob <bob@example.org>"],
)
def test_no_format_and_an_openpgp_key_means_openpgp(repo: Path, key: str) -> None:
    git_config(repo, ("user.signingkey", key))
    assert signing_config(repo) == SigningConfig(format="openpgp", key=key, program=None)


def test_no_format_and_an_ssh_key_means_ssh(repo: Path, alice: SshKey) -> None:
    git_config(repo, ("user.signingkey", str(alice.public)))
    assert signing_config(repo) == SigningConfig(format="ssh", key=str(alice.public), program=None)
    git_config(repo, ("user.signingkey", alice.literal))
    assert signing_config(repo).format == "ssh"
    # git's deprecated form: a bare public key without `key::`
    git_config(repo, ("user.signingkey", alice.public_text))
    config = signing_config(repo)
    assert config.format == "ssh" and config.key is not None
    assert config.key == "key::" + " ".join(alice.public_text.split()[:2])


def test_global_configuration_is_read(repo: Path, alice: SshKey) -> None:
    git_config(
        repo, ("gpg.format", "ssh"), ("user.signingkey", str(alice.public)), scope="--global"
    )
    assert signing_config(repo).key == str(alice.public)
    git_config(repo, ("user.signingkey", alice.literal))  # the repository's value wins
    key = signing_config(repo).key
    assert key is not None and key.startswith("key::ssh-ed25519 ")


def test_missing_key_names_the_git_config_to_set(repo: Path) -> None:
    with pytest.raises(SigningError) as raised:
        signing_config(repo)
    assert str(raised.value).startswith("no signing key is configured in git: set one with ")
    assert "`git config user.signingkey ~/.ssh/id_ed25519.pub`" in str(raised.value)
    assert "`git config gpg.format ssh`" in str(raised.value)


def test_missing_ssh_key_names_user_signingkey_and_the_default_command(repo: Path) -> None:
    git_config(repo, ("gpg.format", "ssh"))
    with pytest.raises(SigningError, match=r"gpg\.ssh\.defaultKeyCommand") as raised:
        signing_config(repo)
    assert "`git config user.signingkey ~/.ssh/id_ed25519.pub`" in str(raised.value)


def test_missing_openpgp_key(repo: Path) -> None:
    git_config(repo, ("gpg.format", "openpgp"))
    with pytest.raises(SigningError, match=r"`git config user.signingkey <key id or fingerprint>`"):
        signing_config(repo)


def test_default_key_command_gives_the_agent_key(repo: Path, carol: SshKey) -> None:
    git_config(repo, ("gpg.format", "ssh"))
    git_config(repo, ("gpg.ssh.defaultKeyCommand", "ssh-add -L"), scope="--global")
    key_type, blob = carol.public_text.split()[:2]
    assert signing_config(repo) == SigningConfig(
        format="ssh", key=f"key::{key_type} {blob}", program=None
    )


def test_default_key_command_with_an_empty_agent(repo: Path, agent: SshAgent) -> None:
    git_config(repo, ("gpg.format", "ssh"))
    git_config(repo, ("gpg.ssh.defaultKeyCommand", "ssh-add -L"), scope="--global")
    with pytest.raises(SigningError, match=r"^gpg\.ssh\.defaultKeyCommand failed: "):
        signing_config(repo)


def test_default_key_command_that_prints_no_key(repo: Path) -> None:
    git_config(repo, ("gpg.format", "ssh"))
    git_config(repo, ("gpg.ssh.defaultKeyCommand", "git --version"), scope="--global")
    with pytest.raises(SigningError) as raised:
        signing_config(repo)
    assert str(raised.value) == (
        "gpg.ssh.defaultKeyCommand 'git --version' printed no SSH public key on its first line"
    )


def test_default_key_command_that_is_not_installed(repo: Path) -> None:
    git_config(repo, ("gpg.format", "ssh"))
    git_config(repo, ("gpg.ssh.defaultKeyCommand", "no-such-tool-rg --list"), scope="--global")
    with pytest.raises(SigningError, match="no-such-tool-rg is not installed or not on PATH"):
        signing_config(repo)


def test_x509_is_not_supported(repo: Path) -> None:
    git_config(repo, ("gpg.format", "x509"), ("user.signingkey", "me"))
    with pytest.raises(SigningError) as raised:
        signing_config(repo)
    assert str(raised.value) == (
        "git config gpg.format is 'x509'; release-gate signs with 'ssh' or 'openpgp'"
    )


def test_an_ambiguous_key_asks_for_gpg_format(repo: Path) -> None:
    git_config(repo, ("user.signingkey", "maintainer"))
    with pytest.raises(SigningError) as raised:
        signing_config(repo)
    assert str(raised.value) == (
        "cannot tell whether user.signingkey 'maintainer' is an SSH or an OpenPGP key: "
        "set `git config gpg.format ssh` or `git config gpg.format openpgp`"
    )


def test_a_directory_outside_any_repository_reads_global_config(
    tmp_path: Path, alice: SshKey
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    git_config(plain, ("gpg.format", "ssh"), ("user.signingkey", alice.literal), scope="--global")
    assert signing_config(plain).format == "ssh"


@pytest.mark.parametrize(
    "name",
    ["gpg.ssh.defaultKeyCommand", "gpg.ssh.program", "gpg.program", "gpg.openpgp.program"],
)
def test_a_program_named_by_the_repository_config_is_refused_not_run(
    repo: Path, tmp_path: Path, name: str
) -> None:
    """A repository that arrives with its .git must not get a command run when the wizard
    reads the signing configuration (it does so as it opens)."""
    marker = tmp_path / "ran"
    git_config(repo, ("gpg.format", "ssh"), (name, f"touch {marker}"))
    with pytest.raises(SigningError) as raised:
        signing_config(repo)
    assert str(raised.value) == (
        f"git config {name.lower()} is set in this repository's own configuration "
        "(.git/config); release-gate runs signing programs only from your global or system "
        f"git config: remove it with `git config --local --unset {name.lower()}`"
    )
    assert not marker.exists()
