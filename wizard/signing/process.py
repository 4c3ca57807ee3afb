"""Running the signing tools (ssh-keygen, gpg, git) without a shell and without ever prompting."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SIGN_TIMEOUT = 60.0
"""Seconds a signing tool may take (an agent may ask for a hardware-key touch)."""

VERIFY_TIMEOUT = 30.0
"""Seconds a verification or key-listing tool may take."""


class ToolFailure(Exception):
    """The tool could not be run at all (not installed, or did not finish in time)."""


@dataclass(frozen=True)
class ToolResult:
    returncode: int
    stdout: bytes
    stderr: str

    def last_line(self) -> str:
        """The tool's last non-empty stderr line, which is where these tools put the reason."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else f"exit status {self.returncode}"


def quiet_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment with every way of prompting for a passphrase switched off."""
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_ASKPASS", "GPG_TTY")}
    env["SSH_ASKPASS_REQUIRE"] = "never"
    env.update(extra or {})
    return env


def run_tool(
    argv: Sequence[str],
    *,
    stdin: bytes | None,
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> ToolResult:
    """Run `argv` with `stdin` as its whole input (None: no input) and capture its output.

    The tool runs in a new session, so it has no controlling terminal to prompt on.
    """
    try:
        proc = subprocess.run(
            list(argv),
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=timeout,
            env=env if env is not None else quiet_environment(),
            cwd=cwd,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise ToolFailure(f"{argv[0]} is not installed or not on PATH") from None
    except PermissionError:
        raise ToolFailure(f"{argv[0]} cannot be executed (permission denied)") from None
    except subprocess.TimeoutExpired:
        raise ToolFailure(f"{argv[0]} did not finish within {timeout:.0f} s") from None
    return ToolResult(
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr.decode("utf-8", "replace"),
    )
