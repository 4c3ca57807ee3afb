"""The command line: what loading it costs, and how a failed command exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import wizard.cli
from wizard.cli import main
from wizard.record.errors import DecisionRefused


def test_loading_the_command_line_loads_nothing_of_the_core() -> None:
    """`release-gate REPO` starts the scan's process before anything heavy is imported; the core
    and Textual are loaded by the commands that need them."""
    probe = (
        "import sys, wizard.cli\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('wizard', 'screens', 'textual', 'rich', 'yaml', 'hcl2', 'markdown_it'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["wizard", "wizard.cli", "wizard.text"]


def test_input_the_run_cannot_go_on_with_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"release-gate: {tmp_path} is not inside a git repository\n"


def test_a_refused_decision_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(args: object) -> int:
        raise DecisionRefused("gate 2 is not met")

    monkeypatch.setattr(wizard.cli, "_cmd_scan", refused)
    assert main(["scan", "."]) == 1
    assert capsys.readouterr().err == "release-gate: gate 2 is not met\n"


def test_a_closed_output_pipe_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(args: object) -> int:
        raise BrokenPipeError()

    monkeypatch.setattr(wizard.cli, "_cmd_scan", closed)
    assert main(["scan", "."]) == 0


def test_a_bug_is_not_hidden_behind_an_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(wizard.cli, "_cmd_scan", broken)
    with pytest.raises(KeyError):
        main(["scan", "."])
