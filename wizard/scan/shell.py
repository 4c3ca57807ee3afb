"""`run:` scripts read as shell: each command with its words and line, and the literal variables.

tree-sitter-bash parses the script. GitHub expressions (`${{ … }}`) are not shell and their quotes
would confuse the parser, so each is swapped for an opaque word first and restored in every word
extracted; line numbers stay those of the original text. Broken scripts give ERROR nodes: whatever
parsed is still returned with the line of the first error (the parser may have lost commands
after it), nothing raises.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

from wizard.scan.shell_mask import MaskedScript, mask_expressions
from wizard.scan.shell_nodes import ascii_source, fails, is_dynamic, node_text, node_word
from wizard.scan.shell_variables import expand

_PARSER = Parser(Language(tree_sitter_bash.language()))
# The commands that publish, sign or scan an artifact.
RELEASE_TOOLS = (
    "docker", "podman", "buildah", "skopeo", "crane", "nix", "cachix", "attic", "cosign",
    "notation", "trivy", "grype", "snyk", "syft",
)
# A tool as a shell word (`docker`, `/usr/bin/docker`), not `docker-compose` or `docker.io`.
_RELEASE_TOOL = re.compile(r"(?<![\w.-])(" + "|".join(RELEASE_TOOLS) + r")(?![\w.-])")
_SKIPPED = frozenset({"heredoc_body", "comment"})
_DECLARATIONS = frozenset({"export", "local", "declare", "readonly", "typeset"})
# Constructs whose `cd` does not move the commands after them.
_OWN_SCOPES = frozenset(
    {"subshell", "command_substitution", "process_substitution", "function_definition"}
)
# Node types of complete statements (what an ERROR node may hold before the error proper).
_STATEMENTS = frozenset(
    {"command", "pipeline", "list", "redirected_statement", "variable_assignment",
     "declaration_command", "if_statement", "for_statement", "c_style_for_statement",
     "while_statement", "case_statement", "function_definition", "compound_statement",
     "subshell", "negated_command", "test_command", "comment"}
)


@dataclass(slots=True)
class ShellCommand:
    """One simple command as the shell would run it (quotes removed, expansions as written)."""

    words: list[str]
    line: int
    position: int
    prefix_env: dict[str, str] = field(default_factory=dict)
    guarded: bool = False
    stdin: str | None = None
    stdout: str | None = None
    piped_from: ShellCommand | None = None
    # The text of a here-document given as stdin (`<<EOF`), and whether the shell expands the
    # variables in it (it does not when the delimiter is quoted: `<<'EOF'`).
    heredoc: str | None = None
    heredoc_expands: bool = True
    # The line each word starts on (a command may span lines with `\`).
    word_lines: list[int] = field(default_factory=list)
    # The subshells, command substitutions and function bodies it sits in, outermost first.
    scope: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return self.words[0] if self.words else ""


@dataclass
class ShellScript:
    """The commands of a script in order, and every variable assignment with its position."""

    commands: list[ShellCommand]
    # name -> [(position, literal value or None when only known at run time)]
    assignments: dict[str, list[tuple[int, str | None]]]
    # Lines of assignments whose value would grow past MAX_RESOLVED_CHARS (kept as unknown).
    oversized: list[int] = field(default_factory=list)
    # Line of the first syntax error, where the parser may have lost or cut commands.
    syntax_error: int | None = None
    # From that line on: lines naming a release tool where no command was read, with the tool
    # (what a syntax error may have hidden).
    unread_tools: list[tuple[int, str]] = field(default_factory=list)
    # Names the script exports (`export A=1`, `export A`): the programs it runs see them.
    exported: set[str] = field(default_factory=set)
    # Functions it defines: name -> the scope of their body (see ShellCommand.scope).
    functions: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def variable(self, name: str, position: int) -> tuple[bool, str | None]:
        """(assigned before `position`, its literal value or None when it is computed)."""
        history = self.assignments.get(name)
        if not history:
            return False, None
        index = bisect_left(history, (position, "")) - 1
        if index < 0:
            return False, None
        return True, history[index][1]


@dataclass(slots=True)
class _Heredoc:
    text: str
    expands: bool


@dataclass(slots=True)
class _Context:
    guarded: bool = False
    stdin: str | None = None
    stdout: str | None = None
    pipe: tuple[int, int] | None = None
    heredoc: _Heredoc | None = None
    scope: tuple[int, ...] = ()


class _Reader:
    def __init__(self, masked: MaskedScript) -> None:
        self.masked = masked
        self.commands: list[ShellCommand] = []
        self.assignments: dict[str, list[tuple[int, str | None]]] = {}
        self.position = 0
        self.oversized: list[int] = []
        self.pipe_members: dict[tuple[int, int], ShellCommand] = {}
        self.exported: set[str] = set()
        self.by_node: dict[int, ShellCommand] = {}
        self.functions: dict[str, tuple[int, ...]] = {}
        # The pipelines the parser put inside a here-document, and the command they continue.
        self.heredoc_pipes: dict[int, int] = {}
        self.pipes = 0

    def word(self, node: Node) -> str:
        return self.masked.restore(node_word(node, self.masked.text))

    def text(self, node: Node) -> str:
        return node_text(node, self.masked.text)

    def current(self, name: str) -> str | None:
        known, value = self.variable(name)
        return value if known else None

    def variable(self, name: str) -> tuple[bool, str | None]:
        history = self.assignments.get(name)
        return (True, history[-1][1]) if history else (False, None)

    def assign(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return
        name = self.text(name_node)
        value: str | None = ""
        if value_node is not None:
            if is_dynamic(value_node):
                value = None
            else:
                value = expand(self.word(value_node), self.current)
                if value is None:
                    self.oversized.append(self.masked.original_line(node.start_point.row))
        self.position += 1
        self.assignments.setdefault(name, []).append((self.position, value))

    def export(self, node: Node) -> None:
        name = node.child_by_field_name("name") if node.type == "variable_assignment" else node
        if name is not None and name.type == "variable_name":
            self.exported.add(self.text(name))

    def unknown(self, name: str) -> None:
        self.position += 1
        self.assignments.setdefault(name, []).append((self.position, None))

    def redirects(self, node: Node, context: _Context) -> _Context:
        stdin, stdout, heredoc = context.stdin, context.stdout, context.heredoc
        # `cat <<EOF >> file`: the parser puts the redirect that follows a here-document's
        # start inside it.
        redirects = [c for c in node.children if c.type == "file_redirect"]
        for child in node.children:
            if child.type == "heredoc_redirect":
                heredoc = self.heredoc(child) or heredoc
                redirects.extend(c for c in child.children if c.type == "file_redirect")
        for child in redirects:
            operator = next((c for c in child.children if c.type in ("<", ">", ">>")), None)
            destination = child.child_by_field_name("destination")
            if operator is None or destination is None:
                continue
            if operator.type == "<":
                stdin = self.word(destination)
            else:
                stdout = self.word(destination)
        return _Context(context.guarded, stdin, stdout, context.pipe, heredoc, context.scope)

    def pipe_after_heredoc(self, node: Node) -> None:
        """Note `cat <<EOF | tee …`, where the parser nests the pipe in the here-document."""
        body = next((c for c in node.children if c.type == "command"), None)
        for child in node.children:
            if child.type == "heredoc_redirect" and body is not None:
                for pipeline in child.children:
                    if pipeline.type == "pipeline":
                        self.heredoc_pipes[pipeline.id] = body.id

    def heredoc(self, node: Node) -> _Heredoc | None:
        start = next((c for c in node.children if c.type == "heredoc_start"), None)
        body = next((c for c in node.children if c.type == "heredoc_body"), None)
        if start is None or body is None:
            return None
        # Any quoting of the delimiter (`'EOF'`, `"EOF"`, `\EOF`) turns expansion off.
        quoted = any(mark in self.text(start) for mark in "'\"\\")
        return _Heredoc(self.masked.restore(self.text(body)), not quoted)

    def command(self, node: Node, context: _Context) -> None:
        context = self.redirects(node, context)
        words: list[str] = []
        word_lines: list[int] = []
        prefix: dict[str, str] = {}
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                name_node = child.child_by_field_name("name")
                value_node = child.child_by_field_name("value")
                if name_node is not None:
                    prefix[self.text(name_node)] = self.word(value_node) if value_node else ""
                continue
            if kind == "command_name":
                parts = child.children
            elif kind not in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                parts = [child]
            else:
                continue
            words.extend(self.word(part) for part in parts)
            word_lines.extend(self.masked.original_line(part.start_point.row) for part in parts)
        self.position += 1
        command = ShellCommand(
            words=words,
            line=self.masked.original_line(node.start_point.row),
            position=self.position,
            prefix_env=prefix,
            guarded=context.guarded,
            stdin=context.stdin,
            stdout=context.stdout,
            heredoc=context.heredoc.text if context.heredoc else None,
            heredoc_expands=context.heredoc.expands if context.heredoc else True,
            word_lines=word_lines,
            scope=context.scope,
        )
        if words:
            self.commands.append(command)
            self.by_node[node.id] = command
            if context.pipe is not None:
                self.pipe_members.setdefault(context.pipe, command)

    def read(self, root: Node) -> None:
        stack: list[tuple[Node, _Context]] = [(root, _Context())]
        while stack:
            node, context = stack.pop()
            kind = node.type
            if kind in _SKIPPED:
                continue
            children: list[tuple[Node, _Context]] = []
            if kind == "command":
                self.command(node, context)
                # Command substitutions inside the arguments (and prefix values) run too.
                plain = _Context(context.guarded, scope=context.scope)
                for child in node.children:
                    inner = child.children if child.type == "variable_assignment" else [child]
                    children.extend((c, plain) for c in inner)
            elif kind == "variable_assignment":
                self.assign(node)
                children = [(c, context) for c in node.children]
            elif kind == "declaration_command":
                declared = self.text(node.children[0]) if node.children else ""
                for child in node.children:
                    if child.type == "variable_assignment" and declared in _DECLARATIONS:
                        self.assign(child)
                    if declared == "export":
                        self.export(child)
                    children.extend((c, context) for c in child.children)
            elif kind == "for_statement":
                variable = node.child_by_field_name("variable")
                if variable is not None:
                    self.unknown(self.text(variable))
                children = [(c, context) for c in node.children]
            elif kind == "redirected_statement":
                self.pipe_after_heredoc(node)
                redirected = self.redirects(node, context)
                # What the parser nests in a redirect (`<<EOF >> f && next`) runs with the
                # caller's own redirects, not the statement's.
                children = [
                    (c, redirected if c.type not in ("file_redirect", "heredoc_redirect")
                     else _Context(context.guarded, scope=context.scope))
                    for c in node.children
                ]
            elif kind == "list":
                children = self.list_children(node, context)
            elif kind == "pipeline":
                self.pipes += 1
                members = [c for c in node.children if c.type not in ("|", "|&")]
                # `cat <<EOF | tee …`: the command before the here-document is the first member.
                first = self.by_node.get(self.heredoc_pipes.get(node.id, -1))
                if first is not None:
                    self.pipe_members[(self.pipes, 0)] = first
                start = 0 if first is None else 1
                children = [
                    # Each member of a pipeline runs in a subshell of its own.
                    (c, _Context(context.guarded, context.stdin, context.stdout, (self.pipes, i),
                                 scope=(*context.scope, c.id)))
                    for i, c in enumerate(members, start)
                ]
            else:
                scope = (*context.scope, node.id) if kind in _OWN_SCOPES else context.scope
                name = node.child_by_field_name("name") if kind == "function_definition" else None
                if name is not None:
                    self.functions[self.text(name)] = scope
                inherited = _Context(context.guarded, context.stdin, context.stdout, scope=scope)
                children = [(c, inherited) for c in node.children]
            stack.extend(reversed(children))
        for (pipe, index), command in self.pipe_members.items():
            if index > 0:
                command.piped_from = self.pipe_members.get((pipe, index - 1))

    def list_children(self, node: Node, context: _Context) -> list[tuple[Node, _Context]]:
        named = node.children
        operator = next((c.type for c in named if c.type in ("&&", "||")), None)
        parts = [c for c in named if c.type not in ("&&", "||")]
        # A failure on the left of `||` runs the right side instead; unless that fails too,
        # the failure is hidden.
        if operator == "||" and len(parts) == 2 and not fails(parts[1], self.masked.text, True):
            guarded = _Context(True, context.stdin, context.stdout, scope=context.scope)
            return [(parts[0], guarded), (parts[1], context)]
        inherited = _Context(context.guarded, context.stdin, context.stdout, scope=context.scope)
        return [(c, inherited) for c in parts]


def _first_error_row(root: Node) -> int | None:
    """0-based row of the first syntax error, following only subtrees holding one: where an
    ERROR node's first piece that is not a whole statement starts (the parser wraps the good
    statements before an error into it too), or where the construct missing a token starts."""
    node = root
    while node.has_error:
        if node.is_error:
            rest = [c for c in node.children if c.has_error or c.type not in _STATEMENTS]
            if not rest:
                return node.start_point.row
            first = rest[0]
            if first.has_error and not first.is_error:
                node = first
                continue
            return first.start_point.row
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None or child.is_missing:
            return node.start_point.row
        node = child
    return None


def parse_script(text: str) -> ShellScript:
    """Every command of `text` (lines 1-based within `text`); never raises on bad input."""
    masked = mask_expressions(text)
    tree = _PARSER.parse(ascii_source(masked.text))
    reader = _Reader(masked)
    reader.read(tree.root_node)
    row = _first_error_row(tree.root_node)
    if row is None:
        return ShellScript(
            reader.commands, reader.assignments, reader.oversized, exported=reader.exported,
            functions=reader.functions,
        )
    error = masked.original_line(row)
    return ShellScript(
        reader.commands,
        reader.assignments,
        reader.oversized,
        error,
        _unread_tools(text, error, reader.commands),
        reader.exported,
        reader.functions,
    )


def _unread_tools(text: str, first: int, commands: list[ShellCommand]) -> list[tuple[int, str]]:
    read = {command.line for command in commands}
    unread = []
    # Lines as the parser counts them: only "\n" ends one (not form feeds or U+2028).
    for number, line in enumerate(text.split("\n")[first - 1 :], start=first):
        match = _RELEASE_TOOL.search(line.split("#", 1)[0])
        if match and number not in read:
            unread.append((number, match.group(1)))
    return unread
