"""A bounded YAML reader that keeps line numbers and YAML 1.2 scalar semantics.

Built from the libyaml event stream instead of PyYAML's constructor because:
- a bare `on` key must stay the string "on" (PyYAML's YAML 1.1 resolver turns it into True);
- every key, item and scalar must carry its 1-based line for evidence;
- aliases are shared, never copied, and their expanded size is budgeted (billion laughs);
- nesting depth is bounded without recursion.

Plain scalars resolve to bool (`true`/`false`), None (`null`, `~`, empty) or str; numbers stay
text (`3.10` is not `3.1`). Quoted and block scalars are always str.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from wizard.limits import MAX_YAML_DEPTH, MAX_YAML_NODES

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}


class YamlProblem(Exception):
    """The document cannot be used; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YStr(str):
    """A scalar string that remembers where it was written."""

    line: int
    style: str

    def __new__(cls, value: str, line: int, style: str = "") -> YStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.style = style
        return obj

    @property
    def content_line(self) -> int:
        """First line of the text itself: block scalars start below their `|`/`>` indicator."""
        return self.line + 1 if self.style in ("|", ">") else self.line


class YMap(dict[str, Any]):
    """A mapping with the line of the mapping and of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YSeq(list[Any]):
    """A sequence with the line of the sequence and of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


@dataclass
class YamlDocument:
    root: Any
    duplicates: list[tuple[str, int]]


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _scalar(event: yaml.ScalarEvent) -> Any:
    line = _line(event)
    value = event.value
    style = event.style or ""
    plain = style == "" and event.implicit[0]
    if plain and event.tag is None:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value in _NULL:
            return None
    return YStr(value, line, style)


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_line", "size")

    def __init__(self, container: YMap | YSeq, anchor: str | None) -> None:
        self.container = container
        self.anchor = anchor
        self.key: str | None = None
        self.key_line = 0
        self.size = 1


class _Builder:
    """Turns libyaml events into YMap/YSeq/YStr with an explicit stack (no recursion)."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.duplicates: list[tuple[str, int]] = []
        self.budget = MAX_YAML_NODES
        self.aliased = False
        self.root: Any = None

    def charge(self, nodes: int, line: int) -> None:
        self.budget -= nodes
        if self.budget < 0:
            if self.aliased:
                message = f"document expands to more than {MAX_YAML_NODES} nodes (alias bomb?)"
            else:
                message = f"document has more than {MAX_YAML_NODES} nodes; not read"
            raise YamlProblem(message, line)

    def add(self, value: Any, line: int, size: int) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.size += size
        parent = frame.container
        if isinstance(parent, YSeq):
            parent.append(value)
            parent.item_lines.append(line)
        elif frame.key is None:
            if not isinstance(value, str):
                raise YamlProblem("mapping keys must be plain scalars", line)
            frame.key, frame.key_line = str(value), line
        else:
            if frame.key in parent:
                self.duplicates.append((frame.key, frame.key_line))
            parent[frame.key] = value
            parent.key_lines[frame.key] = frame.key_line
            frame.key = None

    def expecting_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, YMap)
            and (self.stack[-1].key is None)
        )

    def scalar(self, event: yaml.ScalarEvent) -> None:
        line = _line(event)
        self.charge(1, line)
        # Keys are always text: `on`, `true:` and `1:` are names, not values.
        value = (
            YStr(event.value, line, event.style or "") if self.expecting_key() else _scalar(event)
        )
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.add(value, line, 1)

    def start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        line = _line(event)
        self.charge(1, line)
        if len(self.stack) >= MAX_YAML_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_YAML_DEPTH} levels", line)
        container: YMap | YSeq = (
            YMap(line) if isinstance(event, yaml.MappingStartEvent) else YSeq(line)
        )
        self.stack.append(_Frame(container, event.anchor))

    def end(self, event: yaml.Event) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.size)
        self.add(frame.container, frame.container.line, frame.size)

    def alias(self, event: yaml.AliasEvent) -> None:
        line = _line(event)
        if event.anchor not in self.anchors:
            raise YamlProblem(f"unknown alias *{event.anchor}", line)
        target, size = self.anchors[event.anchor]
        # Shared, never copied: the budget counts what a consumer would walk.
        self.aliased = True
        self.charge(size, line)
        self.add(target, line, size)

    def handlers(self) -> dict[type, Callable[[Any], None]]:
        """Event type -> handler; stream and document events need none."""
        return {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias,
        }


def load_yaml(text: str) -> YamlDocument:
    """Parse the first document of `text`; raise YamlProblem when it is unusable."""
    builder = _Builder()
    handlers = builder.handlers()
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.DocumentEndEvent:
                break
            handler = handlers.get(kind)
            if handler is not None:
                handler(event)
    except yaml.reader.ReaderError as exc:
        # libyaml's reader names no line and spreads its message over two; its position is a
        # byte offset into the UTF-8 text.
        code = exc.character if isinstance(exc.character, int) else 0xFFFD
        data = text.encode("utf-8", "surrogatepass")
        line = data[: exc.position].count(b"\n") + 1 if isinstance(exc.position, int) else None
        raise YamlProblem(f"invalid YAML: {exc.reason} (U+{code:04X})", line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(f"invalid YAML: {problem}", mark.line + 1 if mark else None) from None
    except UnicodeEncodeError:
        # Text git gave back (`git show`) keeps undecodable bytes as lone surrogates, which
        # libyaml refuses to encode.
        raise YamlProblem("not valid UTF-8 (it holds undecodable bytes)") from None
    return YamlDocument(builder.root, builder.duplicates)


def load_yaml_strict(text: str) -> Any:
    """The root of a document people write by hand (configuration, answers): a repeated key is
    refused rather than silently overridden."""
    document = load_yaml(text)
    if document.duplicates:
        key, line = document.duplicates[0]
        raise YamlProblem(f"`{key}` is given twice", line)
    return document.root
