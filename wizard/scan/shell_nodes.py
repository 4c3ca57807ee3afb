"""Reading tree-sitter-bash nodes: a word as the command receives it, whether a value is only
known at run time, whether a statement ends in failure."""

from __future__ import annotations

import re

from tree_sitter import Node

from wizard.scan.expressions import ascii_int

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BACKSLASH = re.compile(r"\\(.)", re.S)
_IN_QUOTES_ESCAPE = re.compile(r"\\([\"\\$`])")
_EXITS = frozenset({"exit", "return"})
_GROUPS = frozenset({"compound_statement", "subshell"})
# Values built by these node types are only known when the script runs.
_DYNAMIC = frozenset(
    {"command_substitution", "process_substitution", "arithmetic_expansion", "array"}
)


def ascii_source(text: str) -> bytes:
    """`text` with every non-ASCII character replaced by a letter, one byte per character.

    tree-sitter-bash 0.25's scanner crashes the process on some non-ASCII characters (`{` then
    U+DC9CF); for the shell they are word characters either way, and lines stay the same.
    """
    if text.isascii():
        return text.encode("ascii")
    return _NON_ASCII.sub("a", text).encode("ascii")


def node_text(node: Node, source: str) -> str:
    # The parser saw one ASCII byte per character of `source`, so byte offsets index it.
    return source[node.start_byte : node.end_byte]


def node_word(node: Node, source: str) -> str:
    """The word as the command receives it: quotes removed, expansions left as written."""
    kind = node.type
    if kind == "word":
        text = node_text(node, source)
        return _BACKSLASH.sub(r"\1", text) if "\\" in text else text
    if kind == "string":
        inner = node_text(node, source)[1:-1]
        return _IN_QUOTES_ESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    if kind == "raw_string":
        return node_text(node, source)[1:-1]
    if kind == "ansi_c_string":
        return node_text(node, source)[2:-1]
    if kind == "concatenation":
        return "".join(node_word(child, source) for child in node.children)
    return node_text(node, source)


def is_dynamic(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _DYNAMIC or current.type == "`":
            return True
        stack.extend(current.children)
    return False


def fails(node: Node, source: str, after_failure: bool) -> bool:
    """Whether `node` ends in failure when it runs: `false`, `exit N` or `return N` with N != 0,
    a `{ …; }` or `( … )` ending in one, a list whose parts fail as a whole. A bare `exit` (or
    `exit $?`) repeats the status before it: failure only right after the failed command."""
    kind = node.type
    if kind == "command":
        words = [node_text(c, source) for c in node.children if c.type != "variable_assignment"]
        if words[:1] == ["false"]:
            return True
        if words[:1] and words[0] in _EXITS:
            if len(words) == 1 or words[1] == "$?":
                return after_failure
            code = ascii_int(words[1].strip("'\""))
            return code is not None and code != 0
        return False
    if kind in _GROUPS:
        statements = [c for c in node.named_children if c.type != "comment"]
        return bool(statements) and fails(statements[-1], source, False)
    if kind == "list":
        parts = [c for c in node.children if c.type not in ("&&", "||")]
        operator = next((c.type for c in node.children if c.type in ("&&", "||")), None)
        if len(parts) != 2:
            return False
        left, right = (fails(part, source, False) for part in parts)
        return left and right if operator == "||" else left or right
    return False
