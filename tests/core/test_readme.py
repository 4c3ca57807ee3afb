"""The README's commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands(text: str) -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = next(c for c in _commands(readme) if "pytest" in c)
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_readme_quick_start_runs_the_demo() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert any(c.endswith("release-gate demo") and "pip install" in c for c in _commands(readme))


def test_pre_commit_hook_runs_check(seed_repo: Path) -> None:
    import subprocess
    import sys

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "release-gate-check" and hook["pass_filenames"] is False
    program, *args = hook["entry"].split()
    assert program == "release-gate"
    result = subprocess.run([sys.executable, "-m", "wizard.cli", *args], cwd=seed_repo,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "release-gate check passed for runner-dashboard" in result.stdout
