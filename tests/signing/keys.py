"""Real test keys: ssh-keygen ed25519 keys, a private ssh-agent, throwaway GnuPG homes."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NAMESPACE = "release-gate@example.org"


def write_allowed_signers(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class SshKey:
    private: Path
    public: Path

    @property
    def public_text(self) -> str:
        return self.public.read_text(encoding="ascii").strip()

    @property
    def literal(self) -> str:
        """The key as git's `user.signingkey = key::...` holds it."""
        return "key::" + self.public_text

    @property
    def fingerprint(self) -> str:
        out = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(self.public)], capture_output=True, text=True, check=True
        ).stdout
        return out.split()[1]


def make_ssh_key(directory: Path, name: str, passphrase: str = "") -> SshKey:
    directory.mkdir(parents=True, exist_ok=True)
    private = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(private)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return SshKey(private=private, public=directory / f"{name}.pub")


class SshAgent:
    """An ssh-agent on a socket of its own, started in the foreground so the test owns its pid."""

    def __init__(self) -> None:
        # Socket paths are limited to ~100 bytes; pytest's tmp_path can be longer.
        self.directory = Path(tempfile.mkdtemp(prefix="rg-agent-"))
        self.socket = self.directory / "agent.sock"
        self.process = subprocess.Popen(
            ["ssh-agent", "-D", "-a", str(self.socket)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("ssh-agent did not create its socket")
            time.sleep(0.02)

    def add(self, key: SshKey) -> None:
        subprocess.run(
            ["ssh-add", "-q", str(key.private)],
            check=True,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={**os.environ, "SSH_AUTH_SOCK": str(self.socket)},
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass(frozen=True)
class GpgIdentity:
    home: Path
    fingerprint: str
    email: str
    keyring: Path
    """An armored export of the public key, as a repository would keep it."""


def make_gpg_identity(
    keyring_dir: Path, name: str, email: str, *extra: str, passphrase: str = ""
) -> GpgIdentity:
    """A fresh GnuPG home holding one ed25519 signing key (`extra`: more gpg options)."""
    home = Path(tempfile.mkdtemp(prefix="rg-gpg-"))
    home.chmod(0o700)
    gpg = ["gpg", "--homedir", str(home), "--batch"]
    subprocess.run(
        [
            *gpg,
            *extra,
            "--passphrase",
            passphrase,
            "--quick-gen-key",
            f"{name} <{email}>",
            "ed25519",
            "sign",
            "1y",
        ],
        check=True,
        capture_output=True,
    )
    listing = subprocess.run(
        [*gpg, "--with-colons", "--list-keys", email], check=True, capture_output=True, text=True
    ).stdout
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr")
    )
    keyring_dir.mkdir(parents=True, exist_ok=True)
    keyring = keyring_dir / f"{email}.asc"
    exported = subprocess.run(
        [*gpg, "--armor", "--export", fingerprint], check=True, capture_output=True
    ).stdout
    keyring.write_bytes(exported)
    return GpgIdentity(home=home, fingerprint=fingerprint, email=email, keyring=keyring)


def remove_gpg_home(home: Path) -> None:
    subprocess.run(
        ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False
    )
    shutil.rmtree(home, ignore_errors=True)


def flip_ssh_signature_byte(armored: str) -> str:
    """The same SSHSIG with one byte of the signature value (its last byte) changed."""
    lines = armored.strip().splitlines()
    blob = bytearray(base64.b64decode("".join(lines[1:-1])))
    blob[-1] ^= 0x01
    body = base64.b64encode(bytes(blob)).decode("ascii")
    wrapped = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "\n".join([lines[0], *wrapped, lines[-1]]) + "\n"
