"""Reading Nix syntax trees (tree-sitter-nix): names, lexical scopes and OCI image builder calls.

Nothing is evaluated. Identifiers are followed through `let … in`, `rec { }`, `inherit` and `with`
as written, which is enough to see that `packages.x = image;` is `n2c.buildImage { … }`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import tree_sitter_nix
from tree_sitter import Language, Node, Parser, Tree

from wizard.limits import MAX_NIX_DEPTH

NIX = Language(tree_sitter_nix.language())

# `x86_64-linux`, `aarch64-darwin`, …: a path element naming a Nix system, not a package.
_SYSTEM = re.compile(
    r"^(?:x86_64|aarch64|i686|i386|armv5tel|armv6l|armv7l|armv7a|riscv32|riscv64|powerpc64|"
    r"powerpc64le|mips64el|mipsel|s390x|loongarch64|wasm32|wasm64|m68k)-"
    r"(?:linux|darwin|freebsd|netbsd|openbsd|windows|cygwin|none|wasi|redox|illumos|solaris)$"
)
_DOCKER_TOOLS_BUILDERS = {"buildImage", "buildLayeredImage", "streamLayeredImage"}
# Names a nix2container instance goes by in flakes that use it.
_N2C_NAMES = {"nix2container", "n2c"}
# Nodes that pass their value through unchanged: (field holding the value).
_TRANSPARENT = {
    "parenthesized_expression": "expression",
    "assert_expression": "body",
}


class NixTooDeep(Exception):
    """A chain of names, selections or wrappers longer than MAX_NIX_DEPTH steps (or a cycle):
    the value is not followed further, and the caller reports where."""


def parse_nix(source: bytes) -> Tree:
    return Parser(NIX).parse(source)


def text_of(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def first_syntax_error(tree: Tree) -> Node | None:
    """The first ERROR or MISSING node in source order, found without recursion."""
    node = tree.root_node
    if not node.has_error:
        return None
    while True:
        if node.is_error or node.is_missing:
            return node
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return node
        node = child


def attr_name(part: Node) -> str:
    """An attrpath element as a name: quotes removed, interpolations kept as written."""
    if part.type == "string_expression":
        pieces = part.named_children
        if all(p.type in ("string_fragment", "escape_sequence") for p in pieces):
            raw = text_of(part)
            try:
                decoded = json.loads(raw)
            except json.JSONDecodeError:
                return raw[1:-1]
            return decoded if isinstance(decoded, str) else raw[1:-1]
        return text_of(part)[1:-1]
    return text_of(part)


def path_parts(binding: Node) -> list[Node]:
    attrpath = binding.child_by_field_name("attrpath")
    return attrpath.named_children if attrpath is not None else []


def is_system(part: Node) -> bool:
    """True for `x86_64-linux`-like names and for `${system}` interpolations."""
    return part.type == "interpolation" or bool(_SYSTEM.match(attr_name(part)))


def binding_set(node: Node) -> list[Node]:
    """`binding`, `inherit` and `inherit_from` children of an attrset or `let`."""
    sets = [c for c in node.named_children if c.type == "binding_set"]
    return sets[0].named_children if sets else []


@dataclass(frozen=True)
class Bound:
    """`name.rest… = node` in `scope`, or, when `inherited_name` is set, `inherit name;`
    (`inherited_from` None) or `inherit (inherited_from) name;` evaluated in `scope`."""

    node: Node | None
    scope: Scope
    rest: tuple[str, ...] = ()
    inherited_from: Node | None = None
    inherited_name: str = ""


@dataclass(eq=False)
class Scope:
    parent: Scope | None = None
    names: dict[str, list[Bound] | None] = field(default_factory=dict)
    with_env: Node | None = None

    def lookup(self, name: str) -> tuple[list[Bound], list[Node]]:
        """Bindings of `name` (empty when unknown or a function argument) and the `with`
        environments in force where it was not bound."""
        scope: Scope | None = self
        withs: list[Node] = []
        while scope is not None:
            if name in scope.names:
                return scope.names[name] or [], withs
            if scope.with_env is not None:
                withs.append(scope.with_env)
            scope = scope.parent
        return [], withs

    def bind(self, name: str, bound: Bound) -> None:
        existing = self.names.get(name)
        self.names[name] = [*(existing or []), bound]

    def child_with_bindings(self, entries: list[Node]) -> Scope:
        """A recursive scope (`let`, `rec { }`): the bound expressions see each other."""
        scope = Scope(parent=self)
        for entry in entries:
            if entry.type == "binding":
                parts = path_parts(entry)
                value = entry.child_by_field_name("expression")
                if parts and value is not None:
                    rest = tuple(attr_name(p) for p in parts[1:])
                    scope.bind(attr_name(parts[0]), Bound(value, scope, rest))
            elif entry.type in ("inherit", "inherit_from"):
                # `inherit x;` and `inherit (src) x;` are evaluated in the enclosing scope.
                source = entry.child_by_field_name("expression")
                attrs = entry.child_by_field_name("attrs")
                for attr in attrs.named_children if attrs is not None else []:
                    name = attr_name(attr)
                    scope.bind(name, Bound(None, self, (), source, name))
        return scope

    def child_with_arguments(self, function: Node) -> Scope:
        """Function arguments shadow outer names and are unknown here."""
        scope = Scope(parent=self)
        universal = function.child_by_field_name("universal")
        if universal is not None:
            scope.names[text_of(universal)] = None
        formals = function.child_by_field_name("formals")
        for formal in formals.named_children if formals is not None else []:
            name = formal.child_by_field_name("name")
            if name is not None:
                scope.names[text_of(name)] = None
        return scope


def enter(node: Node, scope: Scope) -> tuple[Node | None, Scope]:
    """Step into a node that only wraps its value (parentheses, `let`, `with`, `assert`)."""
    kind = node.type
    if kind in _TRANSPARENT:
        return node.child_by_field_name(_TRANSPARENT[kind]), scope
    if kind == "let_expression":
        return node.child_by_field_name("body"), scope.child_with_bindings(binding_set(node))
    if kind == "with_expression":
        environment = node.child_by_field_name("environment")
        return node.child_by_field_name("body"), Scope(scope, {}, environment)
    return None, scope


def dotted(node: Node) -> list[str]:
    """`a.b.${c}.d` as its names; [] when the expression is not a plain selection."""
    tail: list[str] = []
    current: Node | None = node
    for _ in range(MAX_NIX_DEPTH):
        if current is None:
            return []
        if current.type == "variable_expression":
            return [text_of(current), *tail]
        if current.type != "select_expression":
            return []
        path = current.child_by_field_name("attrpath")
        if path is None:
            return []
        tail = [*(attr_name(p) for p in path.named_children), *tail]
        current = current.child_by_field_name("expression")
    raise NixTooDeep


def _binding_for(attrset: Node, path: list[str]) -> tuple[Node, int] | None:
    """The value bound to a prefix of `path` in an attrset literal, and the prefix length."""
    for entry in binding_set(attrset):
        if entry.type != "binding":
            continue
        names = [attr_name(p) for p in path_parts(entry)]
        value = entry.child_by_field_name("expression")
        if value is not None and names and names == path[: len(names)]:
            return value, len(names)
    return None


def _bound(scope: Scope, names: list[str]) -> tuple[Node | None, Scope, list[str]] | None:
    """Where `names[0]` is bound: (expression or None for "look up again", its scope, the rest
    of the path still to select)."""
    bounds, _ = scope.lookup(names[0])
    rest = names[1:]
    for bound in bounds:
        if bound.inherited_name:
            return bound.inherited_from, bound.scope, [bound.inherited_name, *rest]
        if tuple(rest[: len(bound.rest)]) == bound.rest:
            return bound.node, bound.scope, rest[len(bound.rest):]
    return None


def resolve(
    node: Node | None, scope: Scope, path: list[str] | None = None
) -> tuple[Node, Scope] | None:
    """The expression that produces `node.path…` (or, with node None, the name `path…`).

    Wrappers and identifiers are followed without recursion. An identifier nobody binds (a
    function argument, an input) resolves to itself; None means the value cannot be known
    statically (a missing attribute, a cycle). Raises NixTooDeep past MAX_NIX_DEPTH steps.
    """
    pending = list(path or [])
    for _ in range(MAX_NIX_DEPTH):
        if node is None:
            found = _bound(scope, pending) if pending else None
            if found is None:
                return None
            node, scope, pending = found
            continue
        inner, inner_scope = enter(node, scope)
        if inner is not None:
            node, scope = inner, inner_scope
            continue
        names = dotted(node)
        if names:
            found = _bound(scope, names + pending)
            if found is None:
                return None if pending else (node, scope)
            node, scope, pending = found
            continue
        if not pending:
            return node, scope
        if node.type not in ("attrset_expression", "rec_attrset_expression"):
            return None
        if node.type == "rec_attrset_expression":
            scope = scope.child_with_bindings(binding_set(node))
        match = _binding_for(node, pending)
        if match is None:
            return None
        node, consumed = match
        pending = pending[consumed:]
    raise NixTooDeep


def _is_n2c(names: list[str], scope: Scope) -> bool:
    """True when the selection `names` is (or is bound to) a nix2container instance."""
    if any(n in _N2C_NAMES for n in names):
        return True
    resolved = resolve(None, scope, names) if names else None
    return resolved is not None and any(n in _N2C_NAMES for n in dotted(resolved[0]))


def _is_builder(callee: Node, scope: Scope) -> bool:
    """True when `callee` names nix2container's or dockerTools' image builder."""
    names = dotted(callee)
    if not names:
        return False
    last, prefix = names[-1], names[:-1]
    if not prefix:
        # A bare name: `inherit (pkgs.dockerTools) buildImage;` or `with pkgs.dockerTools;`.
        bounds, withs = scope.lookup(last)
        sources = [b.inherited_from for b in bounds if b.inherited_from is not None]
        if sources:
            prefix = dotted(sources[0])
        elif not bounds and withs:
            prefix = dotted(withs[0])
    if last in _DOCKER_TOOLS_BUILDERS and prefix[-1:] == ["dockerTools"]:
        return True
    return last == "buildImage" and bool(prefix) and _is_n2c(prefix, scope)


def _callee(call: Node) -> Node | None:
    """`f` in `f a b` (through parentheses)."""
    node: Node | None = call
    for _ in range(MAX_NIX_DEPTH):
        if node is None or node.type not in ("apply_expression", "parenthesized_expression"):
            return node
        node = node.child_by_field_name("function" if node.type == "apply_expression" else
                                        "expression")
    raise NixTooDeep


def image_builder(node: Node, scope: Scope) -> str | None:
    """The image builder call, as written, that produces `node`'s value; None for other values.

    Follows identifiers, and helper functions whose body is a builder call
    (`mkImage = name: n2c.buildImage { … }; packages.x = mkImage "x";`).
    """
    target: Node | None = node
    for _ in range(MAX_NIX_DEPTH):
        resolved = resolve(target, scope) if target is not None else None
        if resolved is None:
            return None
        target, scope = resolved
        if target.type == "function_expression":
            scope = scope.child_with_arguments(target)
            target = target.child_by_field_name("body")
            continue
        if target.type != "apply_expression":
            return None
        callee = _callee(target)
        if callee is None:
            return None
        if _is_builder(callee, scope):
            return " ".join(text_of(callee).split())
        if callee.type not in ("variable_expression", "select_expression"):
            return None
        # A helper: look at what the called name is bound to.
        helper = resolve(callee, scope)
        if helper is None or helper[0].id == callee.id:
            return None
        target, scope = helper
    raise NixTooDeep
