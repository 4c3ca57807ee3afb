"""Run a command in a fresh process and measure its wall time, CPU time and peak RSS.

Peak RSS comes from `os.wait4` on that one child (the kernel's maximum over the child and the
processes it waited for, such as the git commands a scan runs), so runs do not blur together
the way `getrusage(RUSAGE_CHILDREN)` would. The kernel also counts the image the child was forked
from before its exec, so the measuring process must stay small: about 20 MiB here, far below
what is measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    returncode: int
    stdout: bytes
    stderr: bytes


def run_measured(argv: list[str], cwd: Path | None = None) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=elapsed,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
            returncode=proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
        )


@dataclass(frozen=True)
class Summary:
    label: str
    runs: list[Run]

    @property
    def median_seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_rss_mib(self) -> float:
        return max(r.peak_rss_mib for r in self.runs)

    def row(self) -> str:
        times = " ".join(f"{r.seconds:.2f}" for r in self.runs)
        return (f"{self.label:<34} {self.median_seconds:>8.2f} {self.median_cpu:>8.2f} "
                f"{self.peak_rss_mib:>9.0f}   {times}")


TABLE_HEADER = f"{'command':<34} {'median s':>8} {'cpu s':>8} {'peak MiB':>9}   runs (s)"


def repeat(label: str, argv: list[str], runs: int, expect: int = 0) -> Summary:
    """`runs` fresh runs; stops with the command's stderr when it exits with another status."""
    results = []
    for _ in range(runs):
        run = run_measured(argv)
        if run.returncode != expect:
            sys.stderr.write(run.stderr.decode("utf-8", "replace")[-2000:])
            raise SystemExit(f"{' '.join(argv)} exited {run.returncode}, expected {expect}")
        results.append(run)
    return Summary(label, results)


def machine() -> str:
    """Cores and load: other work on a shared machine shows up in wall times, less in CPU."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min) {five:.1f} (5 min)"


def venv_tool(name: str) -> str:
    """A console script installed next to this interpreter (the project venv)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise SystemExit(f"{path} is missing; install it into the venv first")
    return str(path)
