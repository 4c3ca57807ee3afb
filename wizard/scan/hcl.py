"""Terraform/OpenTofu files read into plain blocks and attributes with raw expressions and lines.

python-hcl2 8.1.4's query API gives the expression text as HCL (`var.image`, `"${var.x}:v1"`,
quotes kept) and each rule's line through `_meta`. `.tfvars.json` is read as JSON, with lines
from the project's YAML reader (JSON is a subset of YAML 1.2).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from hcl2.query import AttributeView, BlockView, DocumentView, NodeView
from lark.exceptions import LarkError, UnexpectedInput

from wizard.text import printable, shorten
from wizard.yamlsafe import YamlProblem, YMap, load_yaml

_INTERPOLATION = "${"
_VAR_REF = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")
_LOCAL_REF = re.compile(r"(?<![\w.])local\.([A-Za-z_][\w-]*)")


class HclProblem(Exception):
    """A file that cannot be parsed; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class HclAttribute:
    name: str
    expression: str  # the HCL text of the value, e.g. `var.image` or `"ghcr.io/x:1"`
    line: int
    within: tuple[str, ...] = ()  # nested block types inside the top-level block


@dataclass
class HclBlock:
    kind: str  # variable, module, resource, data, locals, output, …
    labels: list[str]
    line: int
    attributes: list[HclAttribute] = field(default_factory=list)

    def attribute(self, name: str) -> HclAttribute | None:
        return next((a for a in self.attributes if a.name == name and not a.within), None)


@dataclass
class HclFile:
    path: str
    blocks: list[HclBlock] = field(default_factory=list)
    attributes: list[HclAttribute] = field(default_factory=list)  # top level (`.tfvars`)


def _line(view: Any, fallback: int) -> int:
    meta = getattr(view.raw, "_meta", None)
    line = getattr(meta, "line", None)
    return line if isinstance(line, int) else fallback


def _attribute(view: NodeView, within: tuple[str, ...], fallback: int) -> HclAttribute | None:
    if not isinstance(view, AttributeView):
        return None
    return HclAttribute(view.name, view.value_node.to_hcl(), _line(view, fallback), within)


def _attributes(block: BlockView, line: int) -> list[HclAttribute]:
    """Every attribute in the block and its nested blocks (iteratively), in source order."""
    found: list[HclAttribute] = []
    pending: list[tuple[tuple[str, ...], BlockView]] = [((), block)]
    while pending:
        within, view = pending.pop()
        found.extend(a for a in (_attribute(v, within, line) for v in view.attributes()) if a)
        pending.extend(((*within, str(child.block_type)), child) for child in view.blocks()
                       if isinstance(child, BlockView))
    return sorted(found, key=lambda a: a.line)


def _syntax_message(exc: UnexpectedInput) -> str:
    """lark's messages list grammar terminals; say what was found instead, in one sentence."""
    token = getattr(exc, "token", None)
    char = getattr(exc, "char", None)
    if token is not None and getattr(token, "type", "") == "$END":
        what = "the file ends before the block or expression is closed"
    elif token is not None or char is not None:
        found = printable(str(token if token is not None else char), single_line=True)
        shown = shorten(found, 30)
        what = f"unexpected `{shown}`" if shown.strip() else "unexpected control character"
    else:
        what = "unexpected input"
    column: int | None = exc.column if isinstance(exc.column, int) and exc.column > 0 else None
    return f"HCL syntax error at column {column}: {what}" if column else f"HCL syntax error: {what}"


def parse_hcl(path: str, text: str) -> HclFile:
    """Blocks and top-level attributes of one `.tf`/`.tfvars` file; raises HclProblem."""
    try:
        document = DocumentView.parse(text)
        result = HclFile(path)
        for block in document.blocks():
            if not isinstance(block, BlockView):
                continue
            line = _line(block, 1)
            labels = [str(label) for label in block.name_labels]
            result.blocks.append(HclBlock(str(block.block_type), labels, line,
                                          _attributes(block, line)))
        result.attributes = [
            a for a in (_attribute(v, (), 1) for v in document.attributes()) if a
        ]
    except UnexpectedInput as exc:
        at = exc.line if isinstance(exc.line, int) and exc.line > 0 else None
        raise HclProblem(_syntax_message(exc), at) from None
    except LarkError as exc:
        raise HclProblem(f"HCL syntax error: {exc}") from None
    except RecursionError:
        raise HclProblem("HCL nesting is too deep for the parser; not read") from None
    return result


def parse_tfvars_json(path: str, text: str) -> HclFile:
    """A `.tfvars.json` file as top-level attributes; raises HclProblem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HclProblem(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise HclProblem("JSON nesting is too deep; not read") from None
    if not isinstance(data, dict):
        raise HclProblem("a .tfvars.json file must hold a JSON object", 1)
    try:
        lines = load_yaml(text).root
    except YamlProblem:
        lines = None
    key_lines = lines.key_lines if isinstance(lines, YMap) else {}
    attributes = [
        HclAttribute(str(key), json.dumps(value), key_lines.get(str(key), 1))
        for key, value in data.items()
    ]
    return HclFile(path, attributes=attributes)


def string_literal(expression: str) -> str | None:
    """The text of a plain quoted string (no interpolation), else None."""
    if len(expression) < 2 or expression[0] != '"' or expression[-1] != '"':
        return None
    if _INTERPOLATION in expression:
        return None
    try:
        value = json.loads(expression)
    except json.JSONDecodeError:
        return expression[1:-1]
    return value if isinstance(value, str) else None


def shown_value(expression: str) -> str:
    """How a value is reported: a plain string without its quotes, anything else as written."""
    literal = string_literal(expression)
    return literal if literal is not None else expression


def variable_refs(expression: str) -> list[str]:
    """Names of the `var.X` an expression reads (none for a plain string)."""
    if string_literal(expression) is not None:
        return []
    return list(dict.fromkeys(_VAR_REF.findall(expression)))


def local_refs(expression: str) -> list[str]:
    if string_literal(expression) is not None:
        return []
    return list(dict.fromkeys(_LOCAL_REF.findall(expression)))
