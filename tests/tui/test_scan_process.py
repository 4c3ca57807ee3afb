"""The scan's child process: progress and the review come back over a pipe, failures are said in
a sentence, cancelling ends the child at once, and nothing of the repository is imported."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import screens.loader
import screens.scan_process
from screens.scan_process import (
    Crashed,
    Event,
    Failed,
    Loaded,
    Progress,
    ScanProcess,
    frame_writer,
    read_frames,
    serve,
)
from tests.conftest import RepoFactory
from wizard.repo import RepoError

# A stand-in child: reports one stage, then waits to be killed (exiting by itself after 20 s
# tells a test that it was not).
STUCK = (
    "import sys, time\n"
    "from screens.scan_process import Progress, frame_writer\n"
    "frame_writer(sys.stdout.buffer)(Progress('workflows', 1 / 7))\n"
    "time.sleep(20)\n"
)


def children(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The list each child process the scans start is put in."""
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def record(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process = popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process  # type: ignore[no-any-return]

    monkeypatch.setattr(screens.scan_process.subprocess, "Popen", record)
    return started


def use_child(monkeypatch: pytest.MonkeyPatch, script: str) -> list[subprocess.Popen[bytes]]:
    """Run `script` as the scan's child; returns the list the started processes are put in."""

    def command(repo: str, artifact: str | None) -> list[str]:
        return [sys.executable, "-c", script]

    monkeypatch.setattr(screens.scan_process, "child_command", command)
    return children(monkeypatch)


def real_child_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: str) -> None:
    """The real child (`main`), with `load_review` replaced by the function body `load`."""
    script = tmp_path / "child.py"
    script.write_text(
        "import sys, time\n"
        "import screens.loader\n"
        "from screens.scan_process import main\n"
        "real_load = screens.loader.load_review\n"
        "def load(*args, **kwargs):\n"
        + "".join(f"    {line}\n" for line in load.splitlines())
        + "screens.loader.load_review = load\n"
        "sys.exit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )

    def command(repo: str, artifact: str | None) -> list[str]:
        return [sys.executable, str(script), repo]

    monkeypatch.setattr(screens.scan_process, "child_command", command)


def test_the_seed_reports_every_stage_then_its_review(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = children(monkeypatch)
    scan = ScanProcess(str(seed_repo), None)
    events = list(scan.events())
    progress = [e for e in events if isinstance(e, Progress)]
    assert [p.stage for p in progress] == [
        "listing files", "workflows", "flake", "stacks", "docs", "owners", "facts", "done",
    ]
    assert [p.fraction for p in progress] == sorted(p.fraction for p in progress)
    last = events[-1]
    assert isinstance(last, Loaded)
    assert last.review.scan.repo.root == str(seed_repo)
    assert last.review.scan.authority.current == "dockerfile-image"
    assert last.review.evaluations["dockerfile-image"].current
    # It left by itself once done: not killed.
    assert started[0].returncode == 0 and not scan.cancelled


def test_the_artifact_is_passed_to_the_child(seed_repo: Path) -> None:
    last = list(ScanProcess(str(seed_repo), "something-else").events())[-1]
    assert isinstance(last, Loaded)
    assert last.review.scan.artifact == "something-else"
    assert last.review.scan.artifact_source == "--artifact"


def test_not_a_repository_is_a_failure_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = children(monkeypatch)
    assert list(ScanProcess(str(tmp_path), None).events()) == [
        Failed(f"{tmp_path} is not inside a git repository")
    ]
    assert started[0].returncode == 0


def test_a_child_that_dies_without_a_result_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_child(monkeypatch, "import sys; print('fatal: out of luck', file=sys.stderr); sys.exit(3)")
    assert list(ScanProcess(str(tmp_path), None).events()) == [
        Crashed("the scan process ended without a result (exit status 3): fatal: out of luck")
    ]


def test_a_review_that_cannot_be_sent_is_a_crash_not_a_silence(
    seed_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_child_with(tmp_path, monkeypatch, "return lambda: None")
    started = children(monkeypatch)
    assert list(ScanProcess(str(seed_repo), None).events()) == [
        Crashed("AttributeError: Can't pickle local object 'load.<locals>.<lambda>'")
    ]
    assert started[0].returncode == 0


def test_a_result_read_after_cancelling_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = tmp_path / "written"
    use_child(
        monkeypatch,
        "import sys, time\n"
        "from screens.scan_process import Failed, frame_writer\n"
        "frame_writer(sys.stdout.buffer)(Failed('too late'))\n"
        f"open({str(written)!r}, 'w').close()\n"
        "time.sleep(20)\n",
    )
    scan = ScanProcess(str(tmp_path), None)
    for _ in range(200):
        if written.exists():
            break
        time.sleep(0.05)
    scan.cancel()
    assert list(scan.events()) == []


def gone(pid: int) -> bool:
    """The process has exited (a zombie nobody reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def test_the_child_leaves_when_the_ui_dies(
    seed_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed at once, the UI cannot end its child; the child notices its stdin close."""
    real_child_with(tmp_path, monkeypatch, "time.sleep(20)")
    ui = subprocess.Popen(
        [
            sys.executable, "-c",
            "import sys, time\n"
            "import screens.scan_process as scans\n"
            f"scans.child_command = lambda repo, artifact: {[sys.executable, str(tmp_path / 'child.py')]!r} + [repo]\n"
            f"scan = scans.ScanProcess({str(seed_repo)!r}, None)\n"
            "print(scan._process.pid, flush=True)\n"
            "time.sleep(20)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert ui.stdout is not None
    child = int(ui.stdout.readline())
    assert not gone(child)
    ui.kill()
    ui.wait()
    for _ in range(100):
        if gone(child):
            break
        time.sleep(0.05)
    assert gone(child)


def test_cancelling_kills_the_child_and_ends_the_events_without_a_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = use_child(monkeypatch, STUCK)
    scan = ScanProcess(str(tmp_path), None)
    events = scan.events()
    assert next(events) == Progress("workflows", 1 / 7)
    scan.cancel()
    assert list(events) == []
    assert scan.cancelled
    assert started[0].returncode == -signal.SIGKILL


def test_a_frame_cut_off_is_dropped() -> None:
    out = io.BytesIO()
    send = frame_writer(out)
    send(Progress("workflows", 0.5))
    send(Failed("a sentence"))
    whole = out.getvalue()
    assert len(list(read_frames(io.BytesIO(whole)))) == 2
    assert len(list(read_frames(io.BytesIO(whole[:-1])))) == 1
    assert list(read_frames(io.BytesIO(whole[:2]))) == []


def served(repo: str) -> list[Event]:
    events: list[Event] = []
    serve(events.append, repo, None)
    return events


def test_a_bug_in_the_scan_is_reported_with_its_type(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(screens.loader, "load_review", broken)
    assert served(str(seed_repo)) == [Crashed("ValueError: boom")]


def test_a_whole_run_error_is_a_failure_not_a_crash(
    seed_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(*args: object, **kwargs: object) -> None:
        raise RepoError("git could not read the index")

    monkeypatch.setattr(screens.loader, "load_review", unreadable)
    assert served(str(seed_repo)) == [Failed("git could not read the index")]


def test_output_printed_in_the_child_does_not_corrupt_the_frames(
    seed_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_child_with(
        tmp_path,
        monkeypatch,
        "print('a library writing to stdout', flush=True)\n"
        "sys.stdout.buffer.write(b'\\x00\\x00\\x00\\x05junk')\n"
        "return real_load(*args, **kwargs)",
    )
    last = list(ScanProcess(str(seed_repo), None).events())[-1]
    assert isinstance(last, Loaded)


def test_modules_in_the_repository_are_never_imported(
    make_repo: RepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child runs with the repository as its working directory; nothing there may shadow
    the tool's modules or the libraries it imports."""
    marker = tmp_path / "imported"
    plant = f"open({str(marker)!r}, 'w').write('x')\n"
    repo = make_repo(
        {
            "README.md": "# hostile\n",
            "screens/__init__.py": plant,
            "screens/scan_process.py": plant,
            "wizard/__init__.py": plant,
            "yaml.py": plant,
            "json.py": plant,
            "platformdirs.py": plant,
            "pickle.py": plant,
        }
    )
    monkeypatch.chdir(repo)
    last = list(ScanProcess(".", None).events())[-1]
    assert isinstance(last, Loaded), last
    assert last.review.scan.repo.root == os.fspath(repo)
    assert not marker.exists()


def test_the_child_imports_the_same_code_as_the_ui(seed_repo: Path, tmp_path: Path) -> None:
    """A copy of the program that is not installed (a source tree, say) scans with its own
    code, not with the installed one: the copy's loader leaves a mark when the child imports it."""
    source = tmp_path / "source"
    for package in ("screens", "wizard"):
        shutil.copytree(
            Path(screens.scan_process.__file__).parent.parent / package,
            source / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    marker = tmp_path / "copy-imported"
    loader = source / "screens" / "loader.py"
    loader.write_text(
        loader.read_text(encoding="utf-8") + f"\nopen({str(marker)!r}, 'w').write('x')\n",
        encoding="utf-8",
    )
    ui = (
        "import sys\n"
        f"sys.path.insert(0, {str(source)!r})\n"
        "from screens.scan_process import Loaded, ScanProcess\n"
        f"assert sys.modules['screens'].__path__[0].startswith({str(source)!r})\n"
        f"events = list(ScanProcess({str(seed_repo)!r}, None).events())\n"
        "print(type(events[-1]).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-P", "-c", ui], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "Loaded"
    assert marker.exists()
