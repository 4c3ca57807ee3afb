"""Makefiles a step runs through `make`: their rules and variables, and each target's recipe as
the shell text make hands to the shell.

tree-sitter-make parses the file; nothing is run. What can be known without running make is read:
explicit rules with their prerequisites and recipes, plain assignments (`=`, `:=`, `::=`, `?=`,
`+=`, target-specific ones too) and the automatic variables `$@`, `$<` and `$^`. A variable
assigned in an `ifeq`/`ifdef` branch, by `define` or in an included file is unknown. A reference
the file cannot resolve becomes the shell variable of the same name, which is where make itself
looks next (the environment); functions such as `$(shell …)` stay as written, so the shell
reads them as values known only at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter_make
from tree_sitter import Language, Node, Parser

from wizard.limits import MAX_RESOLVED_CHARS
from wizard.scan.items import normal_path

_PARSER = Parser(Language(tree_sitter_make.language()))
# A reference on one already extracted line: `$$`, `$(NAME)`, `${NAME}` or `$X`.
_REFERENCE = re.compile(r"\$(?:(\$)|\(([A-Za-z0-9_.-]+)\)|\{([A-Za-z0-9_.-]+)\}|([A-Za-z0-9_@<^]))")
_OPERATORS = frozenset({"=", ":=", "::=", ":::=", "?=", "+=", "!="})
# Rounds of expansion of a value that refers to other variables (`A = $(B)`, `B = $(C)`, …).
_EXPANSION_ROUNDS = 16
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_SHELL_ONLY = "\x00"  # stands for a `$` make has already turned from `$$` into the shell's own


@dataclass
class MakeRule:
    line: int
    prerequisites: list[str] = field(default_factory=list)
    # (line, text as written after the `@`, `-` and `+` prefixes): one shell per line.
    recipe: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Assignment:
    value: str | None  # None: unknown
    if_unset: bool = False  # `?=`: the environment's value wins


@dataclass
class Makefile:
    rules: dict[str, MakeRule] = field(default_factory=dict)
    variables: dict[str, _Assignment] = field(default_factory=dict)
    target_variables: dict[str, dict[str, _Assignment]] = field(default_factory=dict)
    default_goal: str | None = None

    def build_order(self, goals: list[str]) -> list[str]:
        """The targets with a rule that building `goals` runs, prerequisites first, each once
        (what make does; a circular prerequisite is dropped, as make drops it)."""
        order: list[str] = []
        done: set[str] = set()
        # (target, prerequisites already pushed) pairs: a post-order walk without recursion.
        stack: list[tuple[str, bool]] = [(goal, False) for goal in reversed(goals)]
        active: set[str] = set()
        while stack:
            target, expanded = stack.pop()
            rule = self.rules.get(target)
            if expanded:
                active.discard(target)
                if target not in done:
                    done.add(target)
                    order.append(target)
                continue
            if target in done or target in active or rule is None:
                continue
            active.add(target)
            stack.append((target, True))
            stack.extend((p, False) for p in reversed(rule.prerequisites))
        return order

    def recipe_text(
        self,
        target: str,
        text: str,
        overrides: dict[str, str],
        in_environment: Callable[[str], bool],
    ) -> str:
        """A recipe line of `target` as make passes it to the shell."""
        rule = self.rules.get(target)
        automatic = {
            "@": target,
            "<": rule.prerequisites[0] if rule and rule.prerequisites else "",
            "^": " ".join(rule.prerequisites) if rule else "",
        }
        scoped = {**self.variables, **self.target_variables.get(target, {})}

        def value(name: str) -> str | None:
            if name in automatic:
                return automatic[name]
            if name in overrides:
                return overrides[name]
            assignment = scoped.get(name)
            if assignment is None:
                return "make" if name == "MAKE" else None
            if assignment.if_unset and in_environment(name):
                return None
            return assignment.value

        expanded = text
        for _ in range(_EXPANSION_ROUNDS):
            step = _REFERENCE.sub(lambda m: _substitute(m, value), expanded)
            if len(step) > MAX_RESOLVED_CHARS:
                break
            if step == expanded:
                break
            expanded = step
        return expanded.replace(_SHELL_ONLY, "$")


def _substitute(match: re.Match[str], value: Callable[[str], str | None]) -> str:
    escaped, parenthesised, braced, single = match.groups()
    if escaped:
        return _SHELL_ONLY
    name = parenthesised or braced or single
    found = value(name)
    if found is not None:
        return found
    # Unknown to the file: make would take it from the environment, as the shell does.
    return _SHELL_ONLY + "{" + name + "}" if re.fullmatch(r"[A-Za-z_]\w*", name) else match[0]


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _words(node: Node | None, source: bytes) -> list[str]:
    if node is None:
        return []
    return [_text(child, source) for child in node.named_children if child.type == "word"]


def _assignment(node: Node, source: bytes) -> tuple[str, str, str, list[str]] | None:
    """(name, operator, value as written, targets when it is target-specific)."""
    name = operator = None
    value = ""
    targets: list[str] = []
    for child in node.children:
        if child.type == "list":
            targets = _words(child, source)
        elif child.type == "word" and name is None:
            name = _text(child, source)
        elif child.type in _OPERATORS:
            operator = child.type
        elif child.type in ("text", "raw_text"):
            value = _text(child, source)
    if name is None or operator is None:
        return None
    return name, operator, value.strip(), targets


def _assign(variables: dict[str, _Assignment], operator: str, name: str, value: str,
            known: bool) -> None:
    before = variables.get(name)
    if not known or operator == "!=":
        variables[name] = _Assignment(None)
    elif operator == "?=":
        if before is None:
            variables[name] = _Assignment(value, if_unset=True)
    elif operator == "+=" and before is not None:
        joined = None if before.value is None else f"{before.value} {value}".strip()
        variables[name] = _Assignment(joined, before.if_unset)
    else:
        variables[name] = _Assignment(value)


def _recipe(node: Node, source: bytes) -> list[tuple[int, str]]:
    lines = []
    for child in node.named_children:
        if child.type == "recipe_line":
            text = _text(child, source).lstrip("@-+ \t")
            lines.append((child.start_point.row + 1, text))
    return lines


def parse_makefile(text: str) -> Makefile:
    """The rules and variables of a Makefile; never raises (what does not parse is skipped)."""
    source = text.encode("utf-8")
    makefile = Makefile()
    # Nodes with whether they sit in a conditional branch; a work list, not recursion.
    stack: list[tuple[Node, bool]] = [(_PARSER.parse(source).root_node, False)]
    while stack:
        node, conditional = stack.pop()
        kind = node.type
        if kind == "rule":
            targets = _words(_child(node, "targets"), source)
            prerequisites = _words(_child(node, "prerequisites"), source)
            recipe_node = _child(node, "recipe")
            recipe = _recipe(recipe_node, source) if recipe_node is not None else []
            for target in targets:
                rule = makefile.rules.setdefault(target, MakeRule(node.start_point.row + 1))
                rule.prerequisites.extend(p for p in prerequisites if p not in rule.prerequisites)
                if recipe:  # a later recipe replaces an earlier one, as in make
                    rule.line, rule.recipe = node.start_point.row + 1, recipe
                if (makefile.default_goal is None and not conditional
                        and not target.startswith(".") and "%" not in target):
                    makefile.default_goal = target
        elif kind == "variable_assignment":
            found = _assignment(node, source)
            if found is not None:
                name, operator, value, targets = found
                if name == ".DEFAULT_GOAL" and operator != "+=":
                    makefile.default_goal = value or None
                for scope in ([makefile.target_variables.setdefault(t, {}) for t in targets]
                              or [makefile.variables]):
                    _assign(scope, operator, name, value, known=not conditional)
        elif kind == "define_directive":
            for defined in _words(node, source)[:1]:
                makefile.variables[defined] = _Assignment(None)
        else:
            inside = conditional or kind == "conditional"
            stack.extend((child, inside) for child in reversed(node.children))
    return makefile


def _child(node: Node, kind: str) -> Node | None:
    return next((c for c in node.children if c.type == kind), None)


@dataclass
class MakeCall:
    """`make [options] [NAME=value…] [goals…]` as written (not yet resolved)."""

    directory: str | None = None  # -C
    file: str | None = None  # -f
    overrides: dict[str, str] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)


# Options that take the next word as their value (`-C dir`), by their short and long names.
_VALUE_OPTIONS = {"-C": "directory", "--directory": "directory", "-f": "file", "--file": "file",
                  "--makefile": "file", "-I": None, "--include-dir": None, "-o": None,
                  "--old-file": None, "-W": None, "--what-if": None, "--new-file": None,
                  "--assume-new": None, "--assume-old": None}


def make_call(words: list[str]) -> MakeCall | None:
    """The call when `words` run make (`make`, `gmake`, a path to either); None otherwise."""
    if not words or words[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
        return None
    call = MakeCall()
    index = 1
    while index < len(words):
        word = words[index]
        index += 1
        name, has_value, value = word.partition("=")
        if word.startswith("--") and has_value and name in _VALUE_OPTIONS:
            option, given = _VALUE_OPTIONS[name], value
        elif word in _VALUE_OPTIONS:
            option, given = _VALUE_OPTIONS[word], words[index] if index < len(words) else ""
            index += 1
        elif word[:2] in ("-C", "-f", "-I", "-o", "-W") and len(word) > 2:
            option, given = _VALUE_OPTIONS[word[:2]], word[2:]
        elif word.startswith("-"):
            # `-j 4`, `-l 2.5`: an optional number belongs to the option.
            if word in ("-j", "-l") and index < len(words) and _NUMBER.fullmatch(words[index]):
                index += 1
            continue
        elif has_value:
            call.overrides[name] = value
            continue
        else:
            call.goals.append(word)
            continue
        if option == "directory":
            call.directory = given if call.directory is None else f"{call.directory}/{given}"
        elif option == "file":
            call.file = given
    return call


def makefile_location(
    call: MakeCall, workdir: str, resolve: Callable[[str], str], exists: Callable[[str], bool]
) -> tuple[str, str] | None:
    """The Makefile `call` reads when run in `workdir`, and the directory its recipes run in;
    None when that is not a file in the repository (generated, outside, or named by a variable
    known only at run time)."""
    directory: str | None = workdir
    if call.directory is not None:
        given = resolve(call.directory)
        if "$" in given or given.startswith(("/", "~")):
            return None
        directory = normal_path(workdir, given)
    if directory is None:
        return None
    names = [resolve(call.file)] if call.file else ["GNUmakefile", "makefile", "Makefile"]
    for name in names:
        if "$" in name or name.startswith(("/", "~")):
            continue
        candidate = normal_path(directory, name)
        if candidate and exists(candidate):
            return candidate, directory
    return None
