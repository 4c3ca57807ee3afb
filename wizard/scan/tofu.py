"""Terraform/OpenTofu stacks: inputs that carry the artifact's image (python-hcl2).

CONTRACT: scan_stacks(ctx, artifact, images) -> list[Deployment]

A stack is a directory of `.tf` files that no other directory calls as a local module
(`source = "../…"`). For each stack, every variable that carries an image is reported: one named
like an image (`image`, `app_image`, `image_ref`, …) or one that reaches an `image` input or
attribute, directly or through a local. Its consumers are followed one level into a called local
module. Parsing HCL costs ~3 ms/kB, so only files whose bytes can matter are parsed, each once.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from wizard.facts import Deployment, DeploymentConsumer, DeploymentValue
from wizard.repo import FileProblem, decode_text, searchable_as_bytes
from wizard.scan.context import ScanContext
from wizard.scan.hcl import (
    HclAttribute,
    HclBlock,
    HclFile,
    HclProblem,
    local_refs,
    parse_hcl,
    parse_tfvars_json,
    shown_value,
    string_literal,
    variable_refs,
)
from wizard.scan.refs import is_digest_pinned, names_artifact, names_image

_VALUES_SUFFIXES = (".tfvars", ".tfvars.example", ".tfvars.json")
# The words of a snake_case, kebab-case or camelCase name.
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# Pre-filter on one line: `source = "./…"` or `"../…"` (confirmed by parsing the file).
_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"')
_CONSUMING_BLOCKS = ("module", "resource", "data", "locals")
_BARE_LOCAL = re.compile(r"local\.([A-Za-z_][\w-]*)")


def is_image_name(name: str) -> bool:
    """`image`, `app_image`, `image_ref`, `containerImage`…, but not `image_pull_policy`."""
    words = [w.lower() for w in _WORD.findall(name)]
    return any(w in ("image", "images") and words[i + 1:i + 2] != ["pull"]
               for i, w in enumerate(words))


def _dir(path: str) -> str:
    return posixpath.dirname(path) or "."


def _join(directory: str, source: str) -> str | None:
    joined = posixpath.normpath(posixpath.join(directory, source))
    return None if joined == ".." or joined.startswith("../") else joined


class _Files:
    """Reads each file once and parses it at most once; failures become problems."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self._bytes: dict[str, bytes | None] = {}
        self._lower: dict[str, bytes | None] = {}
        self._parsed: dict[str, HclFile | None] = {}
        self._by_dir: dict[str, list[str]] = {}
        for path in ctx.files:
            self._by_dir.setdefault(_dir(path), []).append(path)

    def data(self, path: str) -> bytes | None:
        if path not in self._bytes:
            try:
                self._bytes[path] = self.ctx.repo.read_bytes(path)
            except FileProblem as exc:
                self.ctx.problem(path, None, str(exc))
                self._bytes[path] = None
        return self._bytes[path]

    def mentions(self, path: str, *tokens: str) -> bool:
        """Cheap check before parsing: the file contains one of the tokens (any case). A file
        the byte search cannot see into (UTF-16) counts, so parsing reports it as unreadable."""
        if path not in self._lower:
            data = self.data(path) or b""
            self._lower[path] = data.lower() if searchable_as_bytes(data) else None
        lower = self._lower[path]
        return lower is None or any(token.lower().encode() in lower for token in tokens)

    def parse(self, path: str) -> HclFile | None:
        if path in self._parsed:
            return self._parsed[path]
        parsed = None
        data = self.data(path)
        if data is not None:
            try:
                text = decode_text(data)
                if path.endswith(".json"):
                    parsed = parse_tfvars_json(path, text)
                else:
                    parsed = parse_hcl(path, text)
            except FileProblem as exc:
                self.ctx.problem(path, None, str(exc))
            except HclProblem as exc:
                self.ctx.problem(path, exc.line, exc.message)
        self._parsed[path] = parsed
        return parsed

    def in_dir(self, directory: str, suffixes: tuple[str, ...]) -> list[str]:
        return [f for f in self._by_dir.get(directory, []) if f.endswith(suffixes)]


@dataclass
class _Place:
    file: str
    block: HclBlock
    attribute: HclAttribute

    def target(self) -> str:
        inner = ".".join([*self.attribute.within, self.attribute.name])
        kind, labels = self.block.kind, ".".join(self.block.labels)
        if kind == "resource":
            return f"{labels}.{inner}"
        prefix = "local" if kind == "locals" else kind
        return f"{prefix}.{labels}.{inner}" if labels else f"{prefix}.{inner}"


@dataclass
class _Module:
    """A directory's parsed `.tf` files (only those that can matter)."""

    path: str
    files: _Files
    tf_files: list[str]
    parsed: dict[str, HclFile] = field(default_factory=dict)

    def load(self, *tokens: str) -> None:
        for path in self.tf_files:
            if path not in self.parsed and self.files.mentions(path, *tokens):
                parsed = self.files.parse(path)
                if parsed is not None:
                    self.parsed[path] = parsed

    def blocks(self, *kinds: str) -> list[tuple[str, HclBlock]]:
        return [(path, block) for path, parsed in sorted(self.parsed.items())
                for block in parsed.blocks if block.kind in kinds]

    def variable(self, name: str) -> tuple[str, HclBlock] | None:
        self.load(name)
        return next(((p, b) for p, b in self.blocks("variable") if b.labels == [name]), None)

    def locals(self) -> dict[str, tuple[str, HclAttribute]]:
        return {a.name: (path, a) for path, block in self.blocks("locals")
                for a in block.attributes if not a.within}

    def definition(self, expression: str) -> tuple[str, HclAttribute] | None:
        """Where the value of a bare `local.X` expression is written (through local chains)."""
        found = None
        for _ in range(len(self.parsed) + len(self.locals()) + 1):
            match = _BARE_LOCAL.fullmatch(expression)
            if match is None:
                return found
            self.load(match.group(1))
            found = self.locals().get(match.group(1))
            if found is None:
                return None
            expression = found[1].expression
        return None

    def reads(self, expression: str) -> set[str]:
        """Variables an expression reads, directly or through locals (transitively)."""
        names = set(variable_refs(expression))
        pending, seen = local_refs(expression), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            self.load(name)
            definition = self.locals().get(name)
            if definition is not None:
                names.update(variable_refs(definition[1].expression))
                pending.extend(local_refs(definition[1].expression))
        return names

    def places(self) -> list[_Place]:
        return [_Place(path, block, attribute) for path, block in self.blocks(*_CONSUMING_BLOCKS)
                for attribute in block.attributes]

    def consumers_of(self, variable: str) -> list[DeploymentConsumer]:
        self.load(variable)
        return [DeploymentConsumer(p.file, p.attribute.line, p.target(), p.attribute.expression)
                for p in self.places() if p.block.kind != "locals"
                and variable in self.reads(p.attribute.expression)]


def _local_source(block: HclBlock, directory: str) -> str | None:
    source = block.attribute("source")
    literal = string_literal(source.expression) if source else None
    if literal is None or not literal.startswith(("./", "../")):
        return None
    return _join(directory, literal)


class _Scanner:
    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self.files = _Files(ctx)
        self.modules: dict[str, _Module] = {}

    def module(self, directory: str) -> _Module:
        if directory not in self.modules:
            self.modules[directory] = _Module(directory, self.files,
                                              self.files.in_dir(directory, (".tf",)))
        return self.modules[directory]

    def local_callers(self, by_dir: dict[str, list[str]]) -> dict[str, set[str]]:
        """Directory -> files whose `source = "./…"` lines point at it (a pre-filter only)."""
        callers: dict[str, set[str]] = {}
        for directory, paths in by_dir.items():
            for path in paths:
                data = self.files.data(path)
                for raw in data.splitlines() if data and b"source" in data else []:
                    if b"source" not in raw:
                        continue
                    match = _LOCAL_SOURCE.match(raw.decode("utf-8", "replace"))
                    target = _join(directory, match.group(1)) if match else None
                    if target is not None and target != directory:
                        callers.setdefault(target, set()).add(path)
        return callers

    def is_called(self, directory: str, callers: set[str]) -> bool:
        """Some module block really calls `directory` (confirmed by parsing its callers)."""
        for path in sorted(callers):
            parsed = self.files.parse(path)
            for block in parsed.blocks if parsed else []:
                if block.kind == "module" and _local_source(block, _dir(path)) == directory:
                    return True
        return False

    def inner_consumers(self, place: _Place, stack: str) -> list[DeploymentConsumer]:
        """One level into a called local module: where its input is used."""
        if place.block.kind != "module" or place.attribute.within:
            return []
        directory = _local_source(place.block, stack)
        if directory is None:
            return []
        prefix = f"module.{'.'.join(place.block.labels)}."
        return [DeploymentConsumer(c.file, c.line, prefix + c.target, c.expression)
                for c in self.module(directory).consumers_of(place.attribute.name)]

    def values(self, stack: str, variable: str) -> list[DeploymentValue]:
        found = []
        for path in sorted(self.files.in_dir(stack, _VALUES_SUFFIXES)):
            if not self.files.mentions(path, variable):
                continue
            parsed = self.files.parse(path)
            for attribute in parsed.attributes if parsed else []:
                if attribute.name == variable:
                    found.append(DeploymentValue(path, attribute.line,
                                                 shown_value(attribute.expression),
                                                 is_digest_pinned(attribute.expression)))
        return found

    def stack_deployments(self, stack: str) -> list[Deployment]:
        module = self.module(stack)
        module.load("image")
        image_places = [p for p in module.places()
                        if is_image_name(p.attribute.name) and p.block.kind != "locals"]
        carriers = {b.labels[0]: None for _, b in module.blocks("variable")
                    if b.labels and is_image_name(b.labels[0])}
        literal_places = []
        for place in image_places:
            read = module.reads(place.attribute.expression)
            carriers.update(dict.fromkeys(sorted(read)))
            if not read and place.block.kind == "module" and not place.attribute.within:
                literal_places.append(place)
        deployments = []
        for name in carriers:
            declared = module.variable(name)
            if declared is None:
                continue
            path, block = declared
            consumers = module.consumers_of(name)
            for place in module.places():
                if name in module.reads(place.attribute.expression):
                    consumers.extend(self.inner_consumers(place, stack))
            deployments.append(self.deployment(stack, path, block, consumers,
                                               self.values(stack, name)))
        for place in literal_places:
            deployments.append(self.literal_deployment(stack, place))
        return deployments

    def deployment(self, stack: str, path: str, block: HclBlock,
                   consumers: list[DeploymentConsumer],
                   values: list[DeploymentValue]) -> Deployment:
        kind = block.attribute("type")
        default = block.attribute("default")
        return Deployment(
            path=stack,
            file=path,
            line=block.line,
            variable=block.labels[0],
            type=kind.expression if kind else None,
            default=shown_value(default.expression) if default else None,
            digest_pinned=is_digest_pinned(default.expression if default else None)
            or any(v.digest_pinned for v in values),
            consumers=consumers,
            values=values,
        )

    def literal_deployment(self, stack: str, place: _Place) -> Deployment:
        """A module call given a literal image (or a local holding one): the input is the
        module's variable and the literal is its value."""
        attribute = place.attribute
        where = self.module(stack).definition(attribute.expression)
        value_file, written = where if where else (place.file, attribute)
        value = DeploymentValue(value_file, written.line, shown_value(written.expression),
                                is_digest_pinned(written.expression))
        consumer = DeploymentConsumer(place.file, attribute.line, place.target(),
                                      attribute.expression)
        directory = _local_source(place.block, stack)
        declared = self.module(directory).variable(attribute.name) if directory else None
        if declared is None:
            return Deployment(stack, place.file, attribute.line, attribute.name, None, None,
                              value.digest_pinned, [consumer], [value])
        path, block = declared
        return self.deployment(stack, path, block,
                               [consumer, *self.inner_consumers(place, stack)], [value])

    def relevant(self, stack: str, deployments: list[Deployment], artifact: str | None,
                 images: list[str]) -> bool:
        """The stack belongs to the artifact: its directory, module or resource names, or its
        image values name the artifact or one of its images."""
        texts = [posixpath.basename(stack)]
        for _, block in self.module(stack).blocks("module", "resource", "data"):
            texts.extend(block.labels)
            texts.extend(v for a in block.attributes if not a.within
                         for v in [string_literal(a.expression)] if v)
        for deployment in deployments:
            texts.extend(v for v in [deployment.default] if v)
            texts.extend(v.value for v in deployment.values)
        return any(names_artifact(t, artifact) or any(names_image(t, i) for i in images)
                   for t in texts)


def _in_paths(path: str, roots: list[str]) -> bool:
    return not roots or any(r == "." or path.startswith(f"{r}/") for r in roots)


def scan_stacks(ctx: ScanContext, artifact: str | None, images: list[str]) -> list[Deployment]:
    """Image-carrying inputs of the stacks that belong to the artifact (every stack under
    `paths.stacks` when configured, none when it is `none`), sorted by stack, file and line."""
    if ctx.config.no_stacks:
        return []
    roots = ctx.config.stack_paths
    by_dir: dict[str, list[str]] = {}
    for path in ctx.files:
        if path.endswith(".tf") and ".terraform" not in path.split("/") and _in_paths(path, roots):
            by_dir.setdefault(_dir(path), []).append(path)
    scanner = _Scanner(ctx)
    names = [n for n in [artifact, *images] if n]
    judged = bool(names) and not roots

    def candidate(directory: str) -> bool:
        """Can carry an image and, when relevance is judged, can name the artifact at all."""
        paths = by_dir[directory]
        if not any(scanner.files.mentions(p, "image") for p in paths):
            return False
        if not judged or any(n.lower() in directory.lower() for n in names):
            return True
        values = scanner.files.in_dir(directory, _VALUES_SUFFIXES)
        return any(scanner.files.mentions(p, *names) for p in [*paths, *values])

    callers = scanner.local_callers(by_dir)
    deployments: list[Deployment] = []
    for stack in sorted(d for d in by_dir if candidate(d)):
        if scanner.is_called(stack, callers.get(stack, set())):
            continue
        found = scanner.stack_deployments(stack)
        if found and (not judged or scanner.relevant(stack, found, artifact, images)):
            deployments.extend(found)
    return sorted(deployments, key=lambda d: (d.path, d.file, d.line))
