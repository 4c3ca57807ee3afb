"""What a workflow value means statically: `${{ env|inputs|matrix.X }}` substitution (and the
repository's own name, `github.repository`), image references split into name/tag/digest,
registries, and conditions that are plainly true or false.

Anything that depends on the run (secrets, other `github.*`, step outputs) is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wizard.limits import MAX_RESOLVED_CHARS
from wizard.yamlsafe import YMap, YSeq

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_CONTEXT_REF = re.compile(r"(env|inputs|matrix)\.([A-Za-z_][A-Za-z0-9_-]*)")
_BRACKET_REF = re.compile(r"(env|inputs|matrix)\[\s*'([^']+)'\s*\]")
_GITHUB_REF = re.compile(r"(github)\.(repository|repository_owner|event\.repository\.name)")
# The runner's variables holding the same values, for scripts.
_RUNNER_VARIABLES = {
    "GITHUB_REPOSITORY": "repository", "GITHUB_REPOSITORY_OWNER": "repository_owner",
}
_SHELL_BRACES = re.compile(r"\$\{[^{}]*\}")
_STATIC_BOOL = re.compile(r"^\s*(?:\$\{\{\s*)?(true|false)(?:\s*\}\})?\s*$")
_ALWAYS = re.compile(r"^\s*(?:\$\{\{\s*)?(?:success|always)\(\)(?:\s*\}\})?\s*$")
_DIGEST_OUTPUT = re.compile(r"^(?:steps|needs|jobs)\.[\w-]+\.outputs\.[\w-]*digest[\w-]*$", re.I)
_RESOLVE_PASSES = 4


def text_of(value: Any) -> str | None:
    """A scalar as the text GitHub would see; None for mappings, sequences and null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    return None


def github_context(slug: str | None) -> dict[str, str]:
    """`github.repository`, `github.repository_owner` and `github.event.repository.name` of the
    repository `owner/name` (empty when it is not known)."""
    if not slug or slug.count("/") != 1:
        return {}
    owner, name = slug.split("/")
    return {"repository": slug, "repository_owner": owner, "event.repository.name": name}


@dataclass(frozen=True)
class Scope:
    """Static values a step sees through `${{ env.X }}`, `${{ inputs.X }}`, `${{ matrix.X }}`
    and the repository's name (`github_context`)."""

    env: Mapping[str, str] = field(default_factory=dict)
    inputs: Mapping[str, str] = field(default_factory=dict)
    matrix: Mapping[str, str] = field(default_factory=dict)
    github: Mapping[str, str] = field(default_factory=dict)

    def with_env(self, extra: Mapping[str, str]) -> Scope:
        if not extra:
            return self
        return replace(self, env={**self.env, **extra})

    def runner_variable(self, name: str) -> str | None:
        """A variable the runner sets from the repository's name (`$GITHUB_REPOSITORY`)."""
        context = _RUNNER_VARIABLES.get(name)
        return None if context is None else self.github.get(context)

    def oversized(self, names: list[str]) -> list[str]:
        """The env `names` whose value would resolve past MAX_RESOLVED_CHARS."""
        return [n for n in names if n in self.env and self.resolve_complete(self.env[n]) is None]

    def unknown(self, names: list[str]) -> Scope:
        """The scope with these env values unknown: each refers to itself, so every
        substitution leaves it as written."""
        if not names:
            return self
        return self.with_env({name: f"${{{{ env.{name} }}}}" for name in names})

    def lookup(self, context: str, name: str) -> str | None:
        tables = {
            "env": self.env, "inputs": self.inputs, "matrix": self.matrix, "github": self.github,
        }
        return tables[context].get(name)

    def resolve(self, text: str) -> str:
        """`text` with every whole `${{ env|inputs|matrix.X }}` replaced by its static value, as
        far as MAX_RESOLVED_CHARS allows (what is left stays as written)."""
        resolved, _ = self._resolve(text)
        return resolved

    def resolve_complete(self, text: str) -> str | None:
        """`resolve`, or None when the result would be longer than MAX_RESOLVED_CHARS."""
        resolved, complete = self._resolve(text)
        return resolved if complete else None

    def _resolve(self, text: str) -> tuple[str, bool]:
        if "${{" not in text:
            return text, True
        for _ in range(_RESOLVE_PASSES):
            resolved = self._pass(text)
            if resolved is None:
                return text, False
            if resolved == text:
                break
            text = resolved
        return text, True

    def _pass(self, text: str) -> str | None:
        """One substitution pass; None when it would outgrow MAX_RESOLVED_CHARS (and `text`):
        `${{ env.B }}` repeated in B, C, … would otherwise multiply the length per pass."""

        def value_of(match: re.Match[str]) -> str | None:
            inner = match.group(1).strip()
            reference = (
                _CONTEXT_REF.fullmatch(inner)
                or _BRACKET_REF.fullmatch(inner)
                or _GITHUB_REF.fullmatch(inner)
            )
            return self.lookup(reference.group(1), reference.group(2)) if reference else None

        return substitute_bounded(_EXPRESSION, text, value_of)


def substitute_bounded(
    pattern: re.Pattern[str], text: str, value_of: Callable[[re.Match[str]], str | None]
) -> str | None:
    """`text` with each match of `pattern` replaced by its known value (unknown ones kept as
    written); None when the result would outgrow MAX_RESOLVED_CHARS (and `text`), so values
    that double on every line or pass cannot grow without bound."""
    length = len(text)
    refused = False

    def replace(match: re.Match[str]) -> str:
        nonlocal length, refused
        value = value_of(match)
        if value is None or refused:
            return match.group(0)
        length += len(value) - len(match.group(0))
        refused = length > MAX_RESOLVED_CHARS and length > len(text)
        return match.group(0) if refused else value

    substituted = pattern.sub(replace, text)
    return None if refused else substituted


def oversized_env(name: str) -> str:
    """The problem for an env value that resolves past MAX_RESOLVED_CHARS."""
    return (f"env `{name}` grows past {MAX_RESOLVED_CHARS} characters once its `${{{{ }}}}` "
            "references are substituted; it is taken as unknown")


def static_env(value: Any) -> dict[str, str]:
    """An `env:` mapping's scalar values; an expression or other shape contributes nothing."""
    if not isinstance(value, YMap):
        return {}
    result: dict[str, str] = {}
    for key, item in value.items():
        text = text_of(item)
        if text is not None:
            result[key] = text
    return result


def flag(value: Any, scope: Scope) -> bool | str | None:
    """True/False when `value` is static, else the expression text deciding it; None if absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = text_of(value)
    if text is None:
        return str(value)
    resolved = scope.resolve(text).strip()
    static = _STATIC_BOOL.match(resolved)
    if static:
        return static.group(1) == "true"
    return resolved


def condition(value: Any, scope: Scope) -> bool | str | None:
    """An `if:`: True when it always runs, False when never, else its text; None if absent."""
    result = flag(value, scope)
    if isinstance(result, str) and _ALWAYS.match(result):
        return True
    return result


def _masked(text: str) -> str:
    """`text` with expressions and `${VAR}` blanked out, same length, so separators inside them
    are not taken for reference punctuation."""
    blank = _EXPRESSION.sub(lambda m: "$" + "x" * (len(m.group(0)) - 1), text)
    return _SHELL_BRACES.sub(lambda m: "$" + "x" * (len(m.group(0)) - 1), blank)


@dataclass(frozen=True)
class Reference:
    name: str
    tag: str | None
    digest: str | None


def split_reference(text: str) -> Reference:
    """`registry/owner/name[:tag][@digest]` split on the separators written outside expressions."""
    text = text.strip()
    if text.startswith("docker://"):
        text = text[len("docker://") :]
    masked = _masked(text)
    digest = None
    at = masked.find("@")
    if at >= 0:
        digest = text[at + 1 :]
        text, masked = text[:at], masked[:at]
    colon = masked.rfind(":")
    if colon > masked.rfind("/"):
        return Reference(text[:colon], text[colon + 1 :] or None, digest)
    return Reference(text, None, digest)


def is_digest_reference(text: str) -> bool:
    """The reference names content by digest: `@sha256:…`, `@${{ steps.<id>.outputs.digest }}`."""
    digest = split_reference(text).digest
    if not digest:
        return False
    if digest.startswith("sha256:"):
        return True
    expression = _EXPRESSION.fullmatch(digest.strip())
    return bool(expression and _DIGEST_OUTPUT.match(expression.group(1).strip()))


def image_name(reference: str | None) -> str | None:
    """`registry/owner/name` of an image reference, without tag or digest; None when there is
    none or it still holds an expression or a variable."""
    if not reference or unresolved(reference):
        return None
    return split_reference(reference).name or None


_LOCAL_FLAKES = frozenset({".", "./.", "path:.", "path:./.", "git+file:."})


def flake_attr(installable: str | None) -> str | None:
    """The attribute a flake installable of this repository names: `.#x` and
    `.#packages.<system>.x` are `x`, a bare `.#` is `default`. None without `#` (the whole flake,
    as FlakeHub publishes it) and for any other flake."""
    if not installable or "#" not in installable:
        return None
    flake, _, attr = installable.partition("#")
    if flake not in _LOCAL_FLAKES:
        return None
    attr = attr.strip()
    if not attr:
        return "default"
    parts = attr.split(".")
    if len(parts) >= 3 and parts[0] in ("packages", "legacyPackages"):
        attr = ".".join(parts[2:])
    return attr.replace('"', "")


def ascii_int(text: str) -> int | None:
    """`text` (surrounding blanks ignored) as a whole number written in ASCII digits, else None.

    `str.isdigit()` alone also accepts digits such as `²` that `int()` rejects.
    """
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def unresolved(text: str) -> bool:
    return "$" in text


def registry_of(image: str | None) -> str | None:
    """Docker's reference rule: a first component with `.` or `:`, or `localhost`, is a registry;
    anything else lives on Docker Hub. None when the part that decides is not known statically."""
    if not image:
        return None
    masked = _masked(image)
    slash = masked.find("/")
    if slash < 0:
        return None if unresolved(image) else "docker.io"
    first = image[:slash]
    if unresolved(first):
        return None
    if "." in first or ":" in first or first == "localhost":
        return first
    return "docker.io"


def split_list(value: Any, commas: bool = True) -> list[str]:
    """A list input as GitHub actions read it: a sequence, or text split on newlines (and commas)
    outside expressions; empty entries dropped."""
    if isinstance(value, YSeq):
        items = [text_of(item) for item in value]
        return [item.strip() for item in items if item and item.strip()]
    text = text_of(value)
    if text is None:
        return []
    masked = _masked(text)
    entries: list[str] = []
    start = 0
    for index, char in enumerate(masked):
        if char == "\n" or (commas and char == ","):
            entries.append(text[start:index])
            start = index + 1
    entries.append(text[start:])
    return [entry.strip() for entry in entries if entry.strip()]
