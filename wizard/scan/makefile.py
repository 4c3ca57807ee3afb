"""Makefiles a step runs through `make`: their rules and variables, and each target's recipe as
the shell text make hands to the shell.

tree-sitter-make parses the file; nothing is run. What can be known without running make is read:
explicit rules with their prerequisites and recipes (double-colon ones all run), assignments
(`=`, `?=`, `+=`; `:=` expanded where it is written), target-specific ones (inherited by the
prerequisites they pull in), and the automatic variables `$@`, `$<` and `$^`.

What needs running stays unknown and is left as `$(NAME)`, which the shell reads as a value known
only at run time: a variable assigned in an `ifeq`/`ifdef` branch, by `define` or `!=`, and any
name the file does not set when it includes other files. A name the file never sets (and it
includes nothing) is taken from the environment, as make does: it becomes the shell variable of
the same name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import tree_sitter_make
from tree_sitter import Language, Node, Parser

from wizard.scan.expressions import substitute_bounded

_PARSER = Parser(Language(tree_sitter_make.language()))
# A reference on one already extracted line: `$$`, `$(NAME)`, `${NAME}` or `$X`.
_REFERENCE = re.compile(r"\$(?:(\$)|\(([A-Za-z0-9_.-]+)\)|\{([A-Za-z0-9_.-]+)\}|([A-Za-z0-9_@<^]))")
_SHELL_NAME = re.compile(r"[A-Za-z_]\w*")
_OPERATORS = frozenset({"=", ":=", "::=", ":::=", "?=", "+=", "!="})
_IMMEDIATE = frozenset({":=", "::=", ":::="})
_INCLUDES = frozenset({"include_directive"})
# Rounds of expansion of a value that refers to other variables (`A = $(B)`, `B = $(C)`, …).
_EXPANSION_ROUNDS = 16
# Stands for a `$` that is the shell's own (from `$$`, or an environment reference), so later
# rounds of make expansion leave it alone.
_SHELL_ONLY = "\x00"


@dataclass(frozen=True)
class RecipeLine:
    line: int
    text: str  # as written, after the `@`, `-` and `+` prefixes
    ignore_errors: bool = False  # `-`: make goes on when it fails
    always: bool = False  # `+`, or it runs $(MAKE): run even under `make -n`


@dataclass
class MakeRule:
    line: int
    prerequisites: list[str] = field(default_factory=list)
    recipe: list[RecipeLine] = field(default_factory=list)


@dataclass(frozen=True)
class Assignment:
    value: str | None  # None: unknown without running make
    if_unset: bool = False  # `?=`: a value from the environment wins
    override: bool = False  # `override NAME = …`: wins over the command line too
    # `:=`: expanded with the variables as they were at this point of the file (an ordinal
    # of Makefile.history), and with the command line and environment of the run.
    at: int | None = None


Variables = Mapping[str, Assignment]


@dataclass
class Makefile:
    rules: dict[str, MakeRule] = field(default_factory=dict)
    variables: dict[str, Assignment] = field(default_factory=dict)
    target_variables: dict[str, dict[str, Assignment]] = field(default_factory=dict)
    default_goal: str | None = None
    includes: bool = False  # it reads other files, whose variables are not known here
    # Every global assignment in file order, as (ordinal, assignment) per name, for `:=`.
    history: dict[str, list[tuple[int, Assignment]]] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)  # `export NAME[ = value]`: in the recipes' env

    def build_order(self, goals: list[str]) -> list[tuple[str, Variables]]:
        """The targets with a rule that building `goals` runs, prerequisites first, each once
        (a circular prerequisite is dropped, as make drops it), with the target-specific
        variables each sees: its own over those of the targets that pulled it in."""
        order: list[tuple[str, Variables]] = []
        done: set[str] = set()
        active: set[str] = set()
        # (target, inherited variables, prerequisites already pushed): a post-order walk.
        stack: list[tuple[str, Variables, bool]] = [(g, {}, False) for g in reversed(goals)]
        while stack:
            target, inherited, expanded = stack.pop()
            rule = self.rules.get(target)
            scoped = {**inherited, **self.target_variables.get(target, {})}
            if expanded:
                active.discard(target)
                if target not in done:
                    done.add(target)
                    order.append((target, scoped))
                continue
            if target in done or target in active or rule is None:
                continue
            active.add(target)
            stack.append((target, inherited, True))
            stack.extend((p, scoped, False) for p in reversed(rule.prerequisites))
        return order

    def expand(
        self,
        text: str,
        target: str | None,
        scoped: Variables,
        overrides: Mapping[str, str],
        in_environment: Callable[[str], bool],
        environment_first: bool = False,
    ) -> str:
        """`text` with make's references replaced as make would, for a recipe of `target`;
        `environment_first`: `make -e`, the environment wins over the file's values."""
        expansion = _Expansion(self, target, overrides, in_environment, environment_first)
        return expansion.run(text, scoped, None, 0)

    def global_at(self, name: str, at: int | None) -> Assignment | None:
        """The global assignment of `name` in force at ordinal `at` (None: at the end)."""
        if at is None:
            return self.variables.get(name)
        history = self.history.get(name, [])
        index = bisect_left(history, at, key=lambda entry: entry[0]) - 1
        return history[index][1] if index >= 0 else None

    def shell_text(self, text: str) -> str:
        """An expanded recipe line as the shell receives it."""
        return text.replace(_SHELL_ONLY, "$")


class _Expansion:
    """One expansion: the run's command line and environment, for a recipe of `target`."""

    def __init__(
        self,
        makefile: Makefile,
        target: str | None,
        overrides: Mapping[str, str],
        in_environment: Callable[[str], bool],
        environment_first: bool,
    ) -> None:
        self.makefile, self.target = makefile, target
        self.overrides, self.in_environment = overrides, in_environment
        self.environment_first = environment_first
        rule = makefile.rules.get(target) if target else None
        self.automatic = {} if target is None else {
            "@": target,
            "<": rule.prerequisites[0] if rule and rule.prerequisites else "",
            "^": " ".join(rule.prerequisites) if rule else "",
        }

    def value(self, name: str, scoped: Variables, at: int | None, depth: int) -> str | None:
        """The value of `name`, or None to leave the reference as written (unknown)."""
        if name in self.automatic:
            return self.automatic[name]
        assignment = scoped.get(name) or self.makefile.global_at(name, at)
        if name in self.overrides and not (assignment and assignment.override):
            return self.overrides[name]
        # Under -e the environment wins over the file's global values, not target-specific
        # ones (as make 4.3 does).
        from_environment = self.in_environment(name) and (
            (self.environment_first and name not in scoped)
            or (assignment is not None and assignment.if_unset)
        )
        if assignment is not None and assignment.override:
            from_environment = False
        if assignment is not None and not from_environment:
            if assignment.at is None or assignment.value is None:
                return assignment.value
            if depth >= _EXPANSION_ROUNDS:
                return None
            # `:=`: fixed where it was written, from what was known there.
            fixed = self.run(assignment.value, {}, assignment.at, depth + 1)
            return None if re.search(r"\$[({]", fixed) else fixed
        if assignment is None and name == "MAKE":
            return "make"
        if (assignment is None and self.makefile.includes) or not _SHELL_NAME.fullmatch(name):
            return None
        return _SHELL_ONLY + "{" + name + "}"  # the environment's, read by the shell

    def run(self, text: str, scoped: Variables, at: int | None, depth: int) -> str:
        def substitute(match: re.Match[str]) -> str:
            escaped, parenthesised, braced, single = match.groups()
            if escaped:
                return _SHELL_ONLY
            name = parenthesised or braced or single
            found = self.value(name, scoped, at, depth)
            return f"$({name})" if found is None else found

        expanded = text
        for _ in range(_EXPANSION_ROUNDS):
            step = substitute_bounded(_REFERENCE, expanded, substitute)
            if step is None or step == expanded:
                break
            expanded = step
        return expanded


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _child(node: Node, kind: str) -> Node | None:
    return next((c for c in node.children if c.type == kind), None)


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
    return name, operator, _without_comment(value).strip(), targets


def _without_comment(value: str) -> str:
    """The value up to an unescaped `#` that is not inside a `$(…)` or `${…}` (where make ends
    a value)."""
    depth = 0
    for index, char in enumerate(value):
        if char in "({" and index and value[index - 1] == "$":
            depth += 1
        elif char in ")}" and depth:
            depth -= 1
        elif char == "#" and not depth and not (index and value[index - 1] == "\\"):
            return value[:index]
    return value


def _recipe(node: Node, source: bytes) -> list[RecipeLine]:
    lines = []
    for child in node.named_children:
        if child.type != "recipe_line":
            continue
        written = _text(child, source)
        text = written.lstrip("@-+ \t")
        prefixes = written[: len(written) - len(text)]
        always = "+" in prefixes or "$(MAKE)" in text or "${MAKE}" in text
        lines.append(RecipeLine(child.start_point.row + 1, text, "-" in prefixes, always))
    return lines


class _Reader:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.makefile = Makefile()
        self.default_decided = False
        self.ordinal = 0

    def rule(self, node: Node, conditional: bool) -> None:
        makefile, line = self.makefile, node.start_point.row + 1
        targets_node = _child(node, "targets")
        targets = _words(targets_node, self.source)
        prerequisites = _words(_child(node, "prerequisites"), self.source)
        recipe_node = _child(node, "recipe")
        recipe = _recipe(recipe_node, self.source) if recipe_node is not None else []
        double_colon = _child(node, "::") is not None
        for target in targets:
            rule = makefile.rules.setdefault(target, MakeRule(line))
            rule.prerequisites.extend(p for p in prerequisites if p not in rule.prerequisites)
            if recipe and double_colon:  # each `::` rule's recipe runs
                rule.recipe = [*rule.recipe, *recipe]
            elif recipe:  # a later recipe replaces an earlier one
                rule.line, rule.recipe = line, recipe
        if self.default_decided:
            return
        eligible = [t for t in targets if not t.startswith(".") and "%" not in t]
        named = targets_node is not None and all(
            c.type == "word" for c in targets_node.named_children
        )
        if eligible or not named:
            # A target written with a variable, or in a conditional branch, is a goal this
            # reading cannot name for sure.
            makefile.default_goal = eligible[0] if named and not conditional else None
            self.default_decided = True

    def assign(self, node: Node, conditional: bool, override: bool = False) -> None:
        found = _assignment(node, self.source)
        if found is None:
            return
        name, operator, value, targets = found
        makefile = self.makefile
        if name == ".DEFAULT_GOAL" and operator != "+=":
            makefile.default_goal, self.default_decided = value or None, True
        self.ordinal += 1
        scopes = [makefile.target_variables.setdefault(t, {}) for t in targets]
        for scope in scopes or [makefile.variables]:
            before = scope.get(name) or makefile.variables.get(name)
            assignment = self.assignment(operator, value, before, conditional)
            if override:
                assignment = replace(assignment, override=True)
            elif before is not None and before.override:
                continue  # make ignores a plain assignment to an `override` variable
            scope[name] = assignment
            if not targets:
                makefile.history.setdefault(name, []).append((self.ordinal, assignment))

    def assignment(
        self, operator: str, value: str, before: Assignment | None, conditional: bool
    ) -> Assignment:
        if conditional or operator == "!=":
            return Assignment(None)
        if operator in _IMMEDIATE:
            return Assignment(value, at=self.ordinal)
        if operator == "?=" and before is not None:
            return before
        if operator == "+=" and before is not None:
            joined = None if before.value is None else f"{before.value} {value}".strip()
            return replace(before, value=joined)
        return Assignment(value, if_unset=operator == "?=")


def parse_makefile(text: str) -> Makefile:
    """The rules and variables of a Makefile; never raises (what does not parse is skipped)."""
    source = text.encode("utf-8")
    reader = _Reader(source)
    # Nodes with whether they sit in a conditional branch; a work list, not recursion.
    stack: list[tuple[Node, bool]] = [(_PARSER.parse(source).root_node, False)]
    while stack:
        node, conditional = stack.pop()
        kind = node.type
        if kind == "rule":
            reader.rule(node, conditional)
        elif kind == "variable_assignment":
            reader.assign(node, conditional)
        elif kind == "override_directive":
            for child in node.named_children:
                if child.type == "variable_assignment":
                    reader.assign(child, conditional, override=True)
        elif kind == "export_directive":
            for child in node.named_children:
                if child.type == "variable_assignment":
                    found = _assignment(child, source)
                    reader.makefile.exported.update(found[:1] if found else ())
                elif child.type == "list":
                    reader.makefile.exported.update(_words(child, source))
            stack.extend((child, conditional) for child in reversed(node.children))
        elif kind == "define_directive":
            for name in _words(node, source)[:1]:
                reader.makefile.variables[name] = Assignment(None)
        else:
            if kind in _INCLUDES:
                reader.makefile.includes = True
                # A required file's rules come first: the default goal may be one of them. An
                # optional one (`-include`, `sinclude`) is usually a missing `.env`.
                optional = _text(node.children[0], source) in ("-include", "sinclude")
                reader.default_decided = reader.default_decided or not optional
            inside = conditional or kind == "conditional"
            stack.extend((child, inside) for child in reversed(node.children))
    return reader.makefile
