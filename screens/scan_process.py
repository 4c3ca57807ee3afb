"""The review is loaded in a child Python process that reports progress and its result over a pipe.

Why a process and not a thread: the scan is CPU-bound Python. In a thread it shares the GIL with
the UI, so a long scan made the screen stutter and Esc waited for the next stage. In its own
process it runs on another core, the UI stays responsive, and cancelling ends it at once. The CLI
starts it before Textual is imported, so the scan and the UI's start-up overlap.

For that reason this module imports neither Textual nor the core at module level (only the small
`wizard.text`).

The pipe carries frames: a 4-byte big-endian length, then a pickle. The child runs this program's
own code (never the repository's, see `child_command`), so its pickles are trusted.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from wizard.text import printable

if TYPE_CHECKING:
    from screens.review import Review

HEADER = struct.Struct(">I")
# Not `-m screens.scan_process`: the events must be pickled as this module's classes, not
# `__main__`'s. The first argument is where this program's packages are, so the child imports
# the same code as the UI even when it is not installed (a source tree, a zipapp).
CHILD = (
    "import sys; sys.argv[1] in sys.path or sys.path.insert(0, sys.argv[1]); "
    "from screens.scan_process import main; sys.exit(main(sys.argv[2:]))"
)
PACKAGES = str(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Progress:
    stage: str
    fraction: float


@dataclass(frozen=True)
class Loaded:
    review: Review


@dataclass(frozen=True)
class Failed:
    """The whole run cannot go on (not a repository, a bad configuration): one sentence."""

    reason: str


@dataclass(frozen=True)
class Crashed:
    """A bug in the scan, or the child died; what is known about it."""

    reason: str


Event = Progress | Loaded | Failed | Crashed


def child_command(repo: str, artifact: str | None) -> list[str]:
    """The command line of the child. `-P`: the working directory (often the repository under
    review) is not put on `sys.path`, so a `wizard/` or `screens/` in it is never imported."""
    command = [sys.executable, "-P", "-c", CHILD, PACKAGES, repo]
    return command if artifact is None else [*command, artifact]


def exit_description(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"


class ScanProcess:
    """One scan of `repo` in a child process, started at once."""

    def __init__(self, repo: str, artifact: str | None) -> None:
        self.cancelled = False
        # Kept for the sentence shown when the child dies without a result (on the terminal it
        # would draw over the UI); closed once the child is reaped.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._last_words = ""
        self._process = subprocess.Popen(
            child_command(repo, artifact),
            # Never written: the child leaves when it closes, that is when the UI has gone,
            # however it went.
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )

    def events(self) -> Iterator[Event]:
        """Progress, then one Loaded, Failed or Crashed; nothing more once cancelled.

        Blocks on the pipe, so it is read from a worker thread.
        """
        stream = self._process.stdout
        assert stream is not None
        try:
            for frame in read_frames(stream):
                if self.cancelled:
                    return
                event = pickle.loads(frame)
                yield event
                if not isinstance(event, Progress):
                    return
        finally:
            self._reap()
        if not self.cancelled:
            yield Crashed(self._death())

    def cancel(self) -> None:
        """End the scan now; `events` then ends without a result. The child is only killed
        here: it is reaped by `events`, off the UI thread, in case dying takes a while."""
        self.cancelled = True
        if self._process.poll() is None:
            self._process.kill()

    def _reap(self) -> None:
        """Wait for the child, which leaves by itself after its result; kill one that stays."""
        try:
            self._process.wait(timeout=None if self.cancelled else 5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()
        self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, self._stderr.tell() - 4096))
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        self._stderr.close()
        if lines:
            self._last_words = printable(lines[-1], single_line=True)[:300]

    def _death(self) -> str:
        code = exit_description(self._process.returncode)
        said = f": {self._last_words}" if self._last_words else ""
        return f"the scan process ended without a result ({code}){said}"


def read_frames(stream: IO[bytes]) -> Iterator[bytes]:
    """Each whole frame until the end of the stream (a cut-off last frame is dropped)."""
    while True:
        header = stream.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        (size,) = HEADER.unpack(header)
        frame = stream.read(size)
        if len(frame) < size:
            return
        yield frame


def frame_writer(out: IO[bytes]) -> Callable[[Event], None]:
    def send(event: Event) -> None:
        data = pickle.dumps(event, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(HEADER.pack(len(data)) + data)
        out.flush()

    return send


def serve(send: Callable[[Event], None], repo: str, artifact: str | None) -> None:
    """The child's work: load the review, sending progress and then the outcome."""
    # Imported here: these are what the child process is for; the UI never loads them.
    from screens.loader import load_review
    from wizard.config import ConfigError
    from wizard.gates.spec import SpecError
    from wizard.repo import RepoError

    try:
        review = load_review(
            repo, artifact, progress=lambda stage, fraction: send(Progress(stage, fraction))
        )
        # Pickled before anything is written, so a review that cannot be sent is a crash below.
        send(Loaded(review))
    except (RepoError, ConfigError, SpecError) as exc:
        send(Failed(str(exc)))
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug: reported on screen instead of a frozen progress bar
        send(Crashed(f"{type(exc).__name__}: {exc}"))


def _exit_with_the_ui() -> None:
    """The UI holds the other end of stdin and never writes: end of file means it has gone.

    Read from the descriptor, not `sys.stdin`: a daemon thread blocked in a buffered read holds
    its lock, and the interpreter aborts at exit when it cannot take it."""
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(1)


def main(argv: list[str]) -> int:
    # A short-lived process: its garbage goes when it exits, so the collector would only re-walk
    # the modules it imports and the objects the scan keeps.
    gc.disable()
    threading.Thread(target=_exit_with_the_ui, daemon=True).start()
    # Frames go to a private copy of stdout; anything else printed to stdout is dropped, so it
    # cannot corrupt them.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    repo, artifact = argv[0], argv[1] if len(argv) > 1 else None
    try:
        serve(frame_writer(out), repo, artifact)
        out.close()
    except BrokenPipeError:  # the UI went away (quit, or cancelled the scan)
        return 1
    return 0
