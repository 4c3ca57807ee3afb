"""Nothing outside the repository is read, nothing is executed but git, the network is never
touched: `scan`, `gates` and `check` run over the whole corpus in a child process whose very
first act is to install an audit hook (PEP 578) that logs every open, listing, spawn and socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import wizard
from tests.hostile.conftest import Corpus
from tests.hostile.corpus import CASE_NAMES

_DRIVER = r"""
import json, sys

log = open(sys.argv[1], "w", encoding="utf-8", errors="backslashreplace")
WATCHED = {"open", "os.listdir", "os.scandir", "subprocess.Popen", "os.system", "os.exec",
           "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn"}


def plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, type(None))) else repr(value)


def hook(event, args):
    if event in WATCHED or event.startswith("socket."):
        log.write(json.dumps([event, plain(list(args))]) + "\n")


sys.addaudithook(hook)

from wizard.cli import main

for repo in sys.argv[2:]:
    for command in (["scan"], ["scan", "--json"], ["gates"], ["check"]):
        log.write(json.dumps(["begin", [command[0], repo]]) + "\n")
        main([*command, repo])
log.close()
"""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Programs each command may start: git always; `check` verifies signatures when records exist.
_PROGRAMS = {"scan": {"git"}, "gates": {"git"}, "check": {"git", "ssh-keygen", "gpg"}}


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _run_driver(repos: list[Path], log: Path, cwd: Path) -> list[list[Any]]:
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(log), *map(str, repos)],
        cwd=cwd,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in proc.stderr
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_reads_stay_inside_the_repository_and_only_git_runs(corpus: Corpus, tmp_path: Path) -> None:
    repos = [corpus.repo(name) for name in CASE_NAMES]
    events = _run_driver(repos, tmp_path / "audit.log", tmp_path)

    python_roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    project = str(Path(wizard.__file__).resolve().parents[1])
    temp = os.path.realpath(tempfile.gettempdir())
    corpus_root = os.path.realpath(corpus.parent)
    command, repo = "", ""
    outside: list[tuple[str, str, str]] = []
    writes: list[str] = []
    programs: list[tuple[str, str]] = []
    opened_in_repos = 0
    for event, args in events:
        if event == "begin":
            command, repo = args[0], os.path.realpath(args[1])
            continue
        if event in ("open", "os.listdir", "os.scandir"):
            target = args[0] if args else None
            if not isinstance(target, str):  # an already open descriptor, or the cwd
                continue
            real = os.path.realpath(target)
            if _inside(real, repo):
                opened_in_repos += 1
                flags = args[2] if event == "open" and len(args) > 2 else 0
                if isinstance(flags, int) and flags & _WRITE_FLAGS:
                    writes.append(target)
                continue
            allowed = (
                any(_inside(real, root) for root in python_roots)
                or _inside(real, project)
                or (_inside(real, temp) and not _inside(real, corpus_root))
            )
            if not allowed:
                outside.append((command, event, target))
        elif event == "subprocess.Popen":
            executable, argv = args[0], args[1]
            program = os.path.basename(str(executable if executable else argv[0]))
            if program not in _PROGRAMS[command]:
                programs.append((command, program))
        else:
            programs.append((command, event))

    assert outside == []
    assert writes == []
    assert programs == []
    assert not any(e == "open" and str(a[0]).endswith("passwd") and "/etc" in str(a[0])
                   for e, a in events)
    # The hook did see the scans: every command of every case opened files in its repository.
    assert opened_in_repos > 20 * len(repos)
