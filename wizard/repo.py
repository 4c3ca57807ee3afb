"""Read-only access to a git repository: identity (HEAD, branch, dirty), file listing, safe reads.

Every read stays inside the repository root, refuses non-regular files and oversized files, and
reports a failure as a FileProblem sentence instead of raising something unexpected.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wizard.limits import MAX_FILE_BYTES

# Repository-controlled git config must never run programs on our behalf: no fsmonitor, no
# signature verification in `git log` (log.showSignature runs gpg.program), no hooks (a
# checkout's post-checkout). Given as config entries in the environment so that git run
# through GitPython gets them too.
_SAFE_SETTINGS = (
    ("core.fsmonitor", "false"),
    ("core.untrackedCache", "false"),
    ("log.showSignature", "false"),
)
_NO_HOOKS = ("core.hooksPath", os.devnull)


# Per directory git runs in: the repository's own filter drivers, switched off.
_DRIVER_OVERRIDES: dict[str, list[tuple[str, str]]] = {}
# Config scopes the repository sets itself (.git/config, config.worktree), not the user.
REPOSITORY_SCOPES = frozenset({"local", "worktree"})
# GIT_CONFIG_COUNT (the overrides below) is read from 2.31 on; older git would silently ignore
# it and run the repository's drivers.
MIN_GIT = (2, 31)


def _require_git_version() -> None:
    out = subprocess.run(
        ["git", "version"], capture_output=True, text=True, timeout=120, env=_base_env()
    ).stdout
    found = re.search(r"(\d+)\.(\d+)", out)
    if found and (int(found[1]), int(found[2])) < MIN_GIT:
        raise RepoError(
            f"git {found[1]}.{found[2]} is too old: release-gate needs git "
            f"{MIN_GIT[0]}.{MIN_GIT[1]} or newer, to keep a repository's own filter drivers "
            "from running"
        )


def scoped_config(output: str) -> list[tuple[str, str]]:
    """(scope, entry) pairs from the output of `git config --show-scope -z`."""
    fields = output.split("\0")
    return list(zip(fields[0::2], fields[1::2], strict=False))


def _repository_drivers_off(root: Path) -> list[tuple[str, str]]:
    """Config that switches off each filter driver the repository's own config defines.

    A repository that arrives with its .git (an archive, a copied directory) can name a clean or
    smudge command that `git status` or a checkout would run. Drivers from the user's global or
    system config (git-lfs, say) are the user's own and stay.
    """
    key = str(root)
    if key not in _DRIVER_OVERRIDES:
        _require_git_version()
        proc = subprocess.run(
            ["git", "config", "--show-scope", "--name-only", "-z", "--get-regexp", r"^filter\."],
            cwd=root,
            capture_output=True,
            timeout=120,
            env=_base_env(),
        )
        drivers = {
            name[len("filter.") :].rpartition(".")[0]
            for scope, name in scoped_config(proc.stdout.decode("utf-8", "surrogateescape"))
            if scope in REPOSITORY_SCOPES
        }
        _DRIVER_OVERRIDES[key] = [
            (f"filter.{driver}.{setting}", value)
            for driver in sorted(drivers)
            for setting, value in (("clean", ""), ("smudge", ""), ("process", ""),
                                   ("required", "false"))
        ]
    return _DRIVER_OVERRIDES[key]


def _base_env() -> dict[str, str]:
    # A read-only tool must not take index.lock (git status refreshes and rewrites the index
    # otherwise), or a maintainer's concurrent `git commit` could fail. No prompts either. No
    # transport at all: a repository claiming to be a partial clone would otherwise have git
    # fetch missing objects through the remote and ssh command of its own config.
    return {
        **os.environ,
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ALLOW_PROTOCOL": "none",
        "GIT_NO_LAZY_FETCH": "1",
    }


def git_environment(root: Path, hooks: bool = False) -> dict[str, str]:
    """The environment for git in `root`; `hooks` only for a commit the maintainer asked for.

    Overrides go in GIT_CONFIG_KEY_n/VALUE_n, not `-c`: a driver's name may hold `=`, which
    `-c name=value` would split at.
    """
    env = _base_env()
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    settings = [*_SAFE_SETTINGS, *([] if hooks else [_NO_HOOKS]), *_repository_drivers_off(root)]
    for key, value in settings:
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    env["GIT_CONFIG_COUNT"] = str(count)
    return env


_GITHUB_REMOTE = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|(?:ssh://)?git@github\.com[:/])"
    r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


class RepoError(Exception):
    """The whole run cannot go on (not a git repository, git missing, ...)."""


class FileProblem(Exception):
    """One file cannot be used; the message is a short reason."""


@dataclass(frozen=True)
class RepoInfo:
    root: str
    head: str | None
    branch: str | None
    dirty: bool
    shallow: bool
    object_format: str


def run_git(root: Path, *args: str, check: bool = True, input_bytes: bytes | None = None) -> str:
    """Run git in `root` and return stdout; raise RepoError with git's own sentence on failure."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            input=input_bytes,
            capture_output=True,
            timeout=120,
            env=git_environment(root),
        )
    except FileNotFoundError:
        raise RepoError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise RepoError(f"git {_command(args)} did not finish within 120 s in {root}") from None
    if check and proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        fatal = [ln.split(": ", 1)[1] for ln in lines if ln.startswith(("fatal: ", "error: "))]
        detail = fatal[0] if fatal else (lines[-1] if lines else "error")
        raise RepoError(f"git {_command(args)} failed in {root}: {detail}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def _command(args: tuple[str, ...]) -> str:
    """The subcommand among git's arguments (after options such as `-c name=value`)."""
    rest = iter(args)
    for arg in rest:
        if arg == "-c":
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return ""


def git_succeeds(root: Path, *args: str) -> bool | None:
    """True/False for git's exit status 0/1 (e.g. `merge-base --is-ancestor`); None otherwise."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            timeout=120,
            env=git_environment(root),
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return {0: True, 1: False}.get(proc.returncode)


def _read_up_to(fd: int, expected: int, most: int) -> bytes:
    """Read the file behind `fd` until EOF or `most` bytes, sizing reads by its stat size (a
    fixed 4 MiB request per file was most of the time spent reading thousands of small files)."""
    chunks: list[bytes] = []
    total = 0
    request = min(expected + 1, most)
    while total < most:
        chunk = os.read(fd, min(max(request, 65536), most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def git_blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id `git hash-object` gives these bytes."""
    algo = hashlib.sha256 if object_format == "sha256" else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_utf8(text: str) -> bool:
    """False for git output that held bytes which are not UTF-8 (kept as lone surrogates)."""
    return text.isascii() or not any("\udc80" <= c <= "\udcff" for c in text)


def shown_name(text: str) -> str:
    """Git output as text that can be printed and recorded: undecodable bytes become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def searchable_as_bytes(data: bytes) -> bool:
    """True when ASCII words of the text appear as such in its bytes (UTF-8 and other ASCII
    supersets); False for UTF-16 and NUL-holding data, which a byte pre-filter cannot see into."""
    return not data.startswith(_UTF16_BOMS) and b"\0" not in data[:8192]


def decode_text(data: bytes) -> str:
    """Decode repository text as UTF-8, or raise FileProblem saying why it is not text."""
    if data.startswith(_UTF16_BOMS):
        raise FileProblem("encoded as UTF-16; only UTF-8 files are read")
    if b"\0" in data[:8192]:
        raise FileProblem("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"not valid UTF-8 (byte {exc.start})") from None


class Repo:
    """A git working tree opened for scanning."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        given = Path(path)
        if not given.exists():
            raise RepoError(f"{given} does not exist")
        if not given.is_dir():
            raise RepoError(f"{given} is not a directory")
        try:
            top = run_git(given, "rev-parse", "--show-toplevel").strip()
        except RepoError as exc:
            if "not a git repository" in str(exc):
                raise RepoError(f"{given} is not inside a git repository") from None
            raise
        if not top:
            raise RepoError(f"{given} is not inside a git repository")
        self.root = Path(top).resolve()
        self._root_prefix = str(self.root) + os.sep
        self._blobs: dict[str, str] = {}
        self._real_dirs: dict[str, str] = {"": str(self.root)}
        self._untracked: list[str] = []
        # Paths whose names are not UTF-8, as shown_name() prints them; files() leaves them out.
        self.undecodable_names: list[str] = []
        self.info = self._read_info()

    def _read_info(self) -> RepoInfo:
        head = run_git(self.root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip()
        branch = run_git(self.root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        # One walk of the working tree gives both the dirty flag and the untracked files.
        status = run_git(
            self.root, "status", "--porcelain=v1", "-z", "-uall", "--ignore-submodules=dirty"
        )
        self._untracked = [e[3:] for e in status.split("\0") if e.startswith("?? ")]
        shallow = run_git(self.root, "rev-parse", "--is-shallow-repository").strip() == "true"
        fmt = run_git(self.root, "rev-parse", "--show-object-format", check=False).strip()
        return RepoInfo(
            root=str(self.root),
            head=head or None,
            branch=(shown_name(branch.strip()) or None) if head else None,
            dirty=bool(status.strip()),
            shallow=shallow,
            object_format=fmt or "sha1",
        )

    def files(self) -> list[str]:
        """Tracked and untracked-but-not-ignored paths, repository-relative with '/'.

        Names that are not UTF-8 are left out: they could not be shown or recorded as they are.
        They are kept, as shown_name() prints them, in `undecodable_names`.
        """
        out = run_git(self.root, "ls-files", "-z", "--cached", "--full-name")
        listed = {p for p in out.split("\0") if p} | set(self._untracked)
        self.undecodable_names = sorted(shown_name(p) for p in listed if not is_utf8(p))
        return sorted(p for p in listed if is_utf8(p))

    def absolute(self, rel: str) -> Path:
        return self.root / rel

    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """Read a regular file inside the repository, at most `limit` bytes."""
        real, link = self._inside(rel)
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise FileProblem("symlink loop; not read") from None
            raise FileProblem(f"cannot be read ({exc.strerror})") from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            os.close(fd)
            if not stat.S_ISREG(info.st_mode):
                raise FileProblem("not a regular file; not read")
            raise FileProblem(f"{info.st_size} bytes is over the {limit} byte read limit; not read")
        try:
            data = _read_up_to(fd, info.st_size, limit + 1)
        except OSError as exc:
            raise FileProblem(f"cannot be read ({exc.strerror})") from None
        finally:
            os.close(fd)
        if len(data) > limit:
            raise FileProblem(f"grew over the {limit} byte read limit while reading; not read")
        # git tracks a symlink as its target path, so that is the blob HEAD holds for `rel`.
        tracked = os.fsencode(link) if link is not None else data
        self._blobs[rel] = git_blob_id(tracked, self.info.object_format)
        return data

    def _inside(self, rel: str) -> tuple[str, str | None]:
        """The real path of `rel` and, when `rel` is a symlink, its target as written; refuses
        anything that resolves outside the repository.

        Directories are resolved once per scan and only the last component is checked per file:
        calling realpath on every file dominated large scans.
        """
        parent, _, name = rel.rpartition("/")
        real_parent = self._real_dirs.get(parent)
        if real_parent is None:
            real_parent = os.path.realpath(os.path.join(self.root, parent))
            self._real_dirs[parent] = real_parent
        if real_parent != str(self.root) and not real_parent.startswith(self._root_prefix):
            raise FileProblem("a directory on its path leads outside the repository; not read")
        real = os.path.join(real_parent, name)
        if not os.path.islink(real):
            return real, None
        link = os.readlink(real)
        real = os.path.realpath(real)
        if not real.startswith(self._root_prefix):
            raise FileProblem("symlink leads outside the repository; not read")
        return real, link

    def read_text(self, rel: str, limit: int = MAX_FILE_BYTES) -> str:
        return decode_text(self.read_bytes(rel, limit))

    @property
    def blobs_read(self) -> dict[str, str]:
        """Blob ids of every file read so far."""
        return dict(self._blobs)

    def blob(self, rel: str) -> str | None:
        """Blob id of the bytes this scan read from `rel` (equals HEAD's when unmodified)."""
        if rel not in self._blobs:
            try:
                self.read_bytes(rel)
            except FileProblem:
                return None
        return self._blobs.get(rel)

    @property
    def github_slug(self) -> str | None:
        """`owner/name` of the `origin` remote when it is on github.com, for resolving
        `${{ github.repository }}`; None otherwise."""
        url = run_git(self.root, "config", "--get", "remote.origin.url", check=False).strip()
        match = _GITHUB_REMOTE.match(url)
        return f"{match.group(1)}/{match.group(2)}" if match else None

    def blobs_at(self, paths: list[str], rev: str = "HEAD") -> dict[str, str]:
        """Blob ids of `paths` in the tree of `rev` (paths absent there are left out)."""
        if not paths:
            return {}
        # Paths come from records too: read them literally, never as pathspec magic.
        out = run_git(self.root, "--literal-pathspecs", "ls-tree", "-z", rev, "--", *paths)
        blobs = {}
        for entry in out.split("\0"):
            if "\t" in entry:
                meta, path = entry.split("\t", 1)
                blobs[path] = meta.split()[2]
        return blobs
