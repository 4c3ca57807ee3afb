"""flake.nix: exported packages and which of them build OCI images (tree-sitter-nix).

CONTRACT: scan_flake(ctx) -> FlakeFacts  (`published` is filled in by the orchestrator).

Only the `outputs` binding is read, so `mkShell { packages = [ … ]; }` and inputs never count.
The forms understood: `packages.<name>`, `packages.<system>.<name>`, `packages = { … }`,
`packages = forAllSystems (system: { … })`, `flake-utils.lib.eachDefaultSystem (system: …)`,
flake-parts `perSystem = { … }: { packages.<name> = …; }` and `flake.packages…`, merged with `//`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tree_sitter import Node

from wizard.facts import FlakeFacts, FlakePackage
from wizard.limits import MAX_NIX_DEPTH, MAX_NIX_STEPS
from wizard.scan.context import ScanContext
from wizard.scan.nixtree import (
    NixTooDeep,
    Scope,
    attr_name,
    binding_set,
    dotted,
    enter,
    first_syntax_error,
    image_builder,
    is_system,
    line_of,
    parse_nix,
    path_parts,
    resolve,
    text_of,
)
from wizard.text import printable, shorten

_ATTRSETS = ("attrset_expression", "rec_attrset_expression")
# Library functions whose arguments are themselves package sets (`flattenTree { … }`,
# `recursiveUpdate a b`, `optionalAttrs cond { … }`); other calls only contribute the attrsets
# their function arguments return (`forAllSystems (system: { … })`).
_PASSTHROUGH = {"flattenTree", "recursiveUpdate", "optionalAttrs", "mergeAttrs"}
# flake-parts wraps the outputs in these bindings.
_FLAKE_PARTS = {"perSystem", "flake"}


@dataclass
class _Work:
    node: Node
    scope: Scope
    depth: int
    package_set: bool  # False: the node evaluates to (per-system) outputs; True: to packages
    system: str | None = None  # the explicit system of this package set
    systems_allowed: bool = True  # the set's names may still be systems


class _Collector:
    """Walks the outputs expression with an explicit work list (no recursion)."""

    def __init__(self) -> None:
        self.packages: dict[str, FlakePackage] = {}
        self.work: list[_Work] = []
        self.too_deep_line: int | None = None
        self.over_budget_line: int | None = None
        self.unfollowed_line: int | None = None
        # The same expression in the same scope evaluates to the same packages: visit it once.
        self.seen: set[tuple[int, int, bool, str | None, bool]] = set()

    def push(self, node: Node | None, scope: Scope, parent: _Work, *, package_set: bool,
             system: str | None = None, systems_allowed: bool = True) -> None:
        if node is None:
            return
        if parent.depth + 1 > MAX_NIX_DEPTH:
            self.too_deep_line = self.too_deep_line or line_of(node)
            return
        key = (node.id, id(scope), package_set, system, systems_allowed)
        if key in self.seen:
            return
        if len(self.seen) >= MAX_NIX_STEPS:
            self.over_budget_line = self.over_budget_line or line_of(node)
            return
        self.seen.add(key)
        self.work.append(_Work(node, scope, parent.depth + 1, package_set, system,
                               systems_allowed))

    def follow(self, node: Node | None, scope: Scope, item: _Work) -> None:
        """Push a node that evaluates to the same kind of value as `item`."""
        self.push(node, scope, item, package_set=item.package_set, system=item.system,
                  systems_allowed=item.systems_allowed)

    def run(self, outputs: Node) -> list[FlakePackage]:
        self.work.append(_Work(outputs, Scope(), 0, package_set=False))
        while self.work:
            item = self.work.pop()
            try:
                self.visit(item)
            except NixTooDeep:
                self.unfollowed(item.node)
        return sorted(self.packages.values(), key=lambda p: (p.line, p.name))

    def unfollowed(self, node: Node) -> None:
        self.unfollowed_line = self.unfollowed_line or line_of(node)

    def add_package(self, name: str, line: int, value: Node | None, scope: Scope,
                    system: str | None) -> None:
        builder = None
        try:
            builder = image_builder(value, scope) if value is not None else None
        except NixTooDeep:
            assert value is not None
            self.unfollowed(value)
        package = self.packages.get(name)
        if package is None:
            package = self.packages[name] = FlakePackage(name=name, line=line,
                                                         image_builder=builder)
        elif line < package.line:
            package.line = line
        package.image_builder = package.image_builder or builder
        if system and system not in package.systems:
            package.systems.append(system)

    def visit(self, item: _Work) -> None:
        node, scope = item.node, item.scope
        inner, inner_scope = enter(node, scope)
        if inner is not None:
            self.follow(inner, inner_scope, item)
            return
        kind = node.type
        if kind == "function_expression":
            self.follow(node.child_by_field_name("body"), scope.child_with_arguments(node), item)
        elif kind == "if_expression":
            self.follow(node.child_by_field_name("consequence"), scope, item)
            self.follow(node.child_by_field_name("alternative"), scope, item)
        elif kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and text_of(operator) == "//":
                self.follow(node.child_by_field_name("left"), scope, item)
                self.follow(node.child_by_field_name("right"), scope, item)
        elif kind == "apply_expression":
            self.visit_call(node, item)
        elif kind in ("variable_expression", "select_expression"):
            resolved = resolve(node, scope)
            if resolved is not None and resolved[0].id != node.id:
                self.follow(resolved[0], resolved[1], item)
        elif kind in _ATTRSETS:
            if kind == "rec_attrset_expression":
                scope = scope.child_with_bindings(binding_set(node))
            for entry in binding_set(node):
                # One entry past the cap is unknown; its siblings are still read.
                try:
                    if item.package_set:
                        self.package_entry(entry, scope, item)
                    else:
                        self.output_entry(entry, scope, item)
                except NixTooDeep:
                    self.unfollowed(entry)

    def visit_call(self, call: Node, item: _Work) -> None:
        arguments: list[Node] = []
        callee: Node | None = call
        while callee is not None and callee.type == "apply_expression":
            argument = callee.child_by_field_name("argument")
            if argument is not None:
                arguments.append(argument)
            callee = callee.child_by_field_name("function")
        names = dotted(callee) if callee is not None else []
        passthrough = bool(names) and names[-1] in _PASSTHROUGH
        for argument in reversed(arguments):
            unwrapped = argument
            while unwrapped.type == "parenthesized_expression":
                inner = unwrapped.child_by_field_name("expression")
                if inner is None:
                    break
                unwrapped = inner
            if not item.package_set or passthrough or unwrapped.type == "function_expression":
                self.follow(argument, item.scope, item)

    def output_entry(self, entry: Node, scope: Scope, item: _Work) -> None:
        if entry.type == "binding":
            parts = path_parts(entry)
            while len(parts) > 1 and attr_name(parts[0]) in _FLAKE_PARTS:
                parts = parts[1:]
            if not parts:
                return
            value = entry.child_by_field_name("expression")
            head = attr_name(parts[0])
            if head in _FLAKE_PARTS:
                self.push(value, scope, item, package_set=False)
            elif head == "packages":
                self.packages_path(parts[1:], value, scope, line_of(entry), item, None, True)
        elif entry.type in ("inherit", "inherit_from"):
            source = entry.child_by_field_name("expression")
            attrs = entry.child_by_field_name("attrs")
            for attr in attrs.named_children if attrs is not None else []:
                if attr_name(attr) == "packages":
                    resolved = resolve(source, scope, ["packages"])
                    if resolved is not None:
                        self.push(resolved[0], resolved[1], item, package_set=True)

    def package_entry(self, entry: Node, scope: Scope, item: _Work) -> None:
        if entry.type == "binding":
            self.packages_path(path_parts(entry), entry.child_by_field_name("expression"), scope,
                               line_of(entry), item, item.system, item.systems_allowed)
        elif entry.type in ("inherit", "inherit_from"):
            source = entry.child_by_field_name("expression")
            attrs = entry.child_by_field_name("attrs")
            for attr in attrs.named_children if attrs is not None else []:
                name = attr_name(attr)
                try:
                    resolved = resolve(source, scope, [name])
                except NixTooDeep:  # the package exists; what it is stays unknown
                    self.unfollowed(attr)
                    resolved = None
                value, value_scope = resolved if resolved is not None else (None, scope)
                self.add_package(name, line_of(attr), value, value_scope, item.system)

    def packages_path(self, parts: list[Node], value: Node | None, scope: Scope, line: int,
                      item: _Work, system: str | None, systems_allowed: bool) -> None:
        """`packages.<parts…> = value`: parts may start with a system, then name a package."""
        if parts and systems_allowed and is_system(parts[0]):
            if parts[0].type != "interpolation":
                system = attr_name(parts[0])
            parts, systems_allowed = parts[1:], False
        if not parts:
            self.push(value, scope, item, package_set=True, system=system,
                      systems_allowed=systems_allowed)
            return
        # `packages.x.passthru… = …` defines part of x: x exists, its builder is unknown.
        self.add_package(attr_name(parts[0]), line, value if len(parts) == 1 else None, scope,
                         system)


def _outputs_binding(root: Node) -> Node | None:
    top = root.named_children[0] if root.named_children else None
    if top is None or top.type not in _ATTRSETS:
        return None
    for entry in binding_set(top):
        parts = path_parts(entry) if entry.type == "binding" else []
        if len(parts) == 1 and attr_name(parts[0]) == "outputs":
            return entry.child_by_field_name("expression")
    return None


def _syntax_problem(node: Node) -> str:
    if node.is_missing:
        what = "a value is missing" if node.is_named else f"`{node.type}` is missing"
    else:
        snippet = shorten(printable(text_of(node), single_line=True), 40)
        what = f"unexpected `{snippet}`" if snippet else "unexpected end of input"
    column = node.start_point[1] + 1
    return f"Nix syntax error at column {column}: {what}; only the parts that parse are read"


def scan_flake(ctx: ScanContext) -> FlakeFacts:
    """Packages of the flake at `config.flake_path`.

    `path` is None when there is no flake or it could not be read (the reason is a problem).
    A syntax error is a problem at its line; what parsed around it is still reported.
    """
    path = ctx.config.flake_path
    if not ctx.exists(path) and not os.path.lexists(ctx.repo.absolute(path)):
        return FlakeFacts(path=None)
    text = ctx.read_text(path)
    if text is None:
        return FlakeFacts(path=None)
    tree = parse_nix(text.encode("utf-8"))
    error = first_syntax_error(tree)
    if error is not None:
        ctx.problem(path, line_of(error), _syntax_problem(error))
    outputs = _outputs_binding(tree.root_node)
    collector = _Collector()
    packages = collector.run(outputs) if outputs is not None else []
    if collector.over_budget_line is not None:
        ctx.problem(path, collector.over_budget_line,
                    f"more than {MAX_NIX_STEPS} expressions to evaluate; packages beyond them are "
                    "not read")
    if collector.too_deep_line is not None:
        ctx.problem(path, collector.too_deep_line,
                    f"nesting deeper than {MAX_NIX_DEPTH} levels; packages below it are not read")
    if collector.unfollowed_line is not None:
        ctx.problem(path, collector.unfollowed_line,
                    f"the value here is not followed: it goes through more than {MAX_NIX_DEPTH} "
                    "names and wrappers (or round a cycle), so what it builds is unknown")
    return FlakeFacts(
        path=path,
        packages=packages,
        image_packages=[p.name for p in packages if p.image_builder],
        blob=ctx.repo.blob(path),
    )
