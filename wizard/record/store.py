"""Where records live: numbering, listing, and all-or-nothing writes that never overwrite."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wizard.record.errors import DecisionRefused, RecordUnusable
from wizard.repo import FileProblem, decode_text
from wizard.yamlsafe import YamlProblem, YMap, load_yaml

_RECORD_NAME = re.compile(r"^([0-9]{4})-([a-z0-9][a-z0-9-]*)\.md$")
_NUMBERED = re.compile(r"^[0-9]{4}-")
ENVELOPE_SUFFIX = ".intoto.json"


class RecordExists(DecisionRefused):
    """A record file with the chosen name already exists; nothing was written."""


@dataclass(frozen=True)
class RecordFiles:
    number: int
    markdown: Path
    envelope: Path

    @property
    def record_id(self) -> str:
        return f"RA-{self.number:04d}"

    @property
    def complete(self) -> bool:
        return self.markdown.is_file() and self.envelope.is_file()


def envelope_for(record: Path) -> Path:
    """The attestation of a record, given either of its two files."""
    if record.name.endswith(".md"):
        return record.with_name(record.name[: -len(".md")] + ENVELOPE_SUFFIX)
    return record


def markdown_for(envelope: Path) -> Path:
    return envelope.with_name(envelope.name[: -len(ENVELOPE_SUFFIX)] + ".md")


def records_directory(root: Path, relative: str) -> Path:
    """The records directory, refused when it resolves outside the repository or is a file
    (a committed symlink must not make decide write, or check read, somewhere else)."""
    directory = root / relative
    real = Path(os.path.realpath(directory))
    if real != root and root not in real.parents:
        raise RecordUnusable(f"records.dir {relative} resolves outside the repository ({real})")
    if directory.exists() and not directory.is_dir():
        raise RecordUnusable(f"records.dir {relative} is not a directory")
    return directory


def _is_record(markdown: Path) -> bool:
    """A decision record, not another ADR sharing the directory: it has an attestation beside
    it, or front matter with a release-gate id."""
    if envelope_for(markdown).is_file():
        return True
    meta = read_front_matter(markdown)
    return meta is not None and str(meta.get("id", "")).startswith("RA-")


def list_records(directory: Path) -> list[RecordFiles]:
    """Every `NNNN-slug.md` in the directory, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for entry in directory.iterdir():
        match = _RECORD_NAME.match(entry.name)
        if match and entry.is_file() and _is_record(entry):
            found.append(RecordFiles(int(match.group(1)), entry, envelope_for(entry)))
    return sorted(found, key=lambda r: r.number)


def next_number(directory: Path) -> int:
    """One past every `NNNN-` file in the directory, records or other ADRs sharing it."""
    if not directory.is_dir():
        return 1
    numbers = [int(e.name[:4]) for e in directory.iterdir() if _NUMBERED.match(e.name)]
    return max(numbers, default=0) + 1


def slugify(*parts: str) -> str:
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].rstrip("-") or "decision"


def front_matter(markdown_text: str) -> YMap | None:
    """The YAML front matter of a record, or None when it has none or it does not parse."""
    lines = markdown_text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return None
    try:
        root = load_yaml("\n".join(lines[1:end])).root
    except YamlProblem:
        return None
    return root if isinstance(root, YMap) else None


def read_front_matter(path: Path) -> YMap | None:
    try:
        return front_matter(decode_text(path.read_bytes()))
    except (OSError, FileProblem):
        return None


def _temp_file(directory: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix=".release-gate-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_new_files(files: list[tuple[Path, bytes]]) -> None:
    """Create every file or none: temp files first, then hard links that refuse to overwrite."""
    directory = files[0][0].parent
    directory.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    linked: list[Path] = []
    try:
        for _, data in files:
            temps.append(_temp_file(directory, data))
        for (target, _), temp in zip(files, temps, strict=True):
            try:
                os.link(temp, target)
            except FileExistsError:
                raise RecordExists(
                    f"{target} already exists; records are never overwritten"
                ) from None
            linked.append(target)
    except BaseException:
        for path in linked:
            path.unlink(missing_ok=True)
        raise
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_file(target: Path, data: bytes) -> None:
    """Atomically replace one existing file (adding a signature to an envelope)."""
    temp = _temp_file(target.parent, data)
    try:
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
