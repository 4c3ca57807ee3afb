"""Peak memory over the largest hostile inputs, measured on a real process.

The kernel counts, in a child's `ru_maxrss`, the image it was spawned from before its exec (the
whole pytest process here). So a small launcher process starts the command and reads the
command's own figure from `os.wait4`; the launcher itself is ~10 MiB, far below the bound.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import Corpus
from tests.hostile.corpus import CASES

MEMORY_LIMIT_MIB = 500
TIME_LIMIT = 20.0
BIG_CASES = [c.name for c in CASES if c.big]

_LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.perf_counter() - started)
"""


def measure(argv: list[str], cwd: Path) -> tuple[int, float, float]:
    """Exit code, peak RSS in MiB and wall seconds of `argv` run as its own process."""
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *argv], cwd=cwd, capture_output=True, timeout=300
    )
    code, kib, seconds = proc.stdout.split()
    return int(code), int(kib) / 1024, float(seconds)


def test_the_big_cases_are_the_ones_measured() -> None:
    assert BIG_CASES == [
        "yaml-alias-bomb", "yaml-deep-flow", "huge-markdown", "huge-workflow",
        "near-limit-workflow", "doubling-values", "hcl-deep", "nix-deep",
    ]


@pytest.mark.parametrize("name", BIG_CASES)
def test_peak_memory_and_time_stay_bounded(name: str, corpus: Corpus, tmp_path: Path) -> None:
    repo = corpus.repo(name)
    code, peak_mib, seconds = measure(
        [sys.executable, "-m", "wizard.cli", "gates", "--json", str(repo)], tmp_path
    )
    assert code == 0
    assert peak_mib < MEMORY_LIMIT_MIB
    assert seconds < TIME_LIMIT
