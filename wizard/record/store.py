"""Where records live: numbering, listing, and all-or-nothing writes that never overwrite."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wizard.repo import FileProblem, decode_text
from wizard.yamlsafe import YamlProblem, YMap, load_yaml

_RECORD_NAME = re.compile(r"^(\d{4})-([a-z0-9][a-z0-9-]*)\.md$")
ENVELOPE_SUFFIX = ".intoto.json"


class RecordExists(Exception):
    """A record file with the chosen name already exists; nothing was written."""


@dataclass(frozen=True)
class RecordFiles:
    number: int
    slug: str
    markdown: Path
    envelope: Path

    @property
    def record_id(self) -> str:
        return f"RA-{self.number:04d}"

    @property
    def complete(self) -> bool:
        return self.markdown.is_file() and self.envelope.is_file()


def envelope_for(markdown: Path) -> Path:
    return markdown.with_name(markdown.name[: -len(".md")] + ENVELOPE_SUFFIX)


def markdown_for(envelope: Path) -> Path:
    return envelope.with_name(envelope.name[: -len(ENVELOPE_SUFFIX)] + ".md")


def list_records(directory: Path) -> list[RecordFiles]:
    """Every `NNNN-slug.md` in the directory, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for entry in directory.iterdir():
        match = _RECORD_NAME.match(entry.name)
        if match and entry.is_file():
            found.append(
                RecordFiles(int(match.group(1)), match.group(2), entry, envelope_for(entry))
            )
    return sorted(found, key=lambda r: r.number)


def next_number(directory: Path) -> int:
    records = list_records(directory)
    numbers = [r.number for r in records]
    if directory.is_dir():
        for entry in directory.iterdir():
            head = entry.name[:4]
            if head.isdigit() and entry.name.endswith(ENVELOPE_SUFFIX):
                numbers.append(int(head))
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
