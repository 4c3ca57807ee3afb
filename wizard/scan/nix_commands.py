"""Recognisers for Nix commands: `nix build` (validation outputs and out-links), nix2container
`nix run .#x.copyToRegistry|copyTo|copyToDockerDaemon`, `nix copy --to`, and binary cache pushes
with cachix and attic. Also where a file a later command reads came from (an out-link)."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from wizard.facts import BuildSource
from wizard.scan.arguments import Arguments, parse_arguments
from wizard.scan.drafts import draft_images, local_path, named_draft
from wizard.scan.expressions import flake_attr, unresolved
from wizard.scan.findings import JobFacts, JobState, NixBuildHit, push_value
from wizard.scan.items import CommandStep
from wizard.scan.shell import ShellCommand, parse_script

_NIX_OPTIONS = {
    "--extra-experimental-features": 1, "--experimental-features": 1, "--option": 2,
    "--store": 1, "--eval-store": 1, "-I": 1, "--include": 1, "--log-format": 1,
    "--max-jobs": 1, "-j": 1, "--cores": 1, "--system": 1, "--extra-substituters": 1,
    "--substituters": 1, "--extra-trusted-public-keys": 1, "--builders": 1, "--arg": 2,
    "--argstr": 2, "--override-input": 2, "--update-input": 1, "--inputs-from": 1,
    "--reference-lock-file": 1, "--output-lock-file": 1, "-o": 1, "--out-link": 1,
    "--profile": 1, "--to": 1, "--from": 1, "--access-tokens": 1, "--expr": 1, "-f": 1,
    "--file": 1, "--keep": 1, "-k": 1, "--unset": 1, "--eval-system": 1,
}
_CACHE_OPTIONS = {
    "-c": 1, "--config": 1, "--hostname": 1, "-j": 1, "--jobs": 1, "-l": 1,
    "--compression-level": 1, "-m": 1, "--compression-method": 1, "--chunk-size": 1,
}
_DECOMPRESSORS = frozenset({"cat", "gunzip", "zcat", "gzip", "pigz", "zstd", "zstdcat", "xz"})


def attr_of_path(item: CommandStep, path: str, state: JobState) -> str | None:
    """The flake attr behind a file: a `nix build` out-link (or a file inside it), or the
    `$(nix build … --print-out-paths)` that produces it."""
    text = item.resolve(path)
    if text.startswith("$(") and text.endswith(")"):
        for inner in parse_script(text[2:-1]).commands:
            attrs = _nix_build_attrs(parse_arguments(inner.words[1:], _NIX_OPTIONS))
            if inner.name == "nix" and attrs:
                return attrs[0][1]
        return None
    relative = local_path(item, text)
    if relative.startswith(("/", "../")):
        return None
    while relative:
        if relative in state.out_links:
            return state.out_links[relative]
        relative = posixpath.dirname(relative)
    return None


def attr_of_pipe(item: CommandStep, upstream: ShellCommand | None, state: JobState) -> str | None:
    """`./result | docker load`, `gunzip -c result | docker load`."""
    if upstream is None:
        return None
    attr = attr_of_path(item, upstream.name, state) if "/" in upstream.name else None
    if attr is None and posixpath.basename(upstream.name) in _DECOMPRESSORS:
        for word in upstream.words[1:]:
            if not word.startswith("-"):
                attr = attr or attr_of_path(item, word, state)
    return attr


def _installable_attr(installable: str) -> str | None:
    """What `nix build|copy` takes from an installable: a flake alone (`.`) is its `default`."""
    return flake_attr(installable if "#" in installable else f"{installable}#")


def _nix_build_attrs(args: Arguments) -> list[tuple[int, str]]:
    """(position among installables, flake attr) of a `nix build` (no installable: `.#default`)."""
    positionals = args.positionals
    if positionals[:1] != ["build"] or args.has("--expr", "-f", "--file"):
        return []
    installables = positionals[1:] or ["."]
    attrs = [(index, _installable_attr(i)) for index, i in enumerate(installables)]
    return [(index, attr) for index, attr in attrs if attr is not None]


def nix(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    """`nix build` (out-links remembered), `nix run` of nix2container, `nix copy --to`."""
    args = parse_arguments(words[1:], _NIX_OPTIONS)
    sub = args.positionals[0] if args.positionals else ""
    if sub == "build":
        attrs = _nix_build_attrs(args)
        link = None if args.has("--no-link") else args.last("-o", "--out-link") or "result"
        for index, attr in attrs:
            facts.nix_builds.append(NixBuildHit(attr, item.frame.path, item.line, item.frame.via))
            state.built_attrs.append(attr)
            if link is not None:
                name = link if index == 0 else f"{link}-{index}"
                state.out_links[local_path(item, name)] = attr
    elif sub == "run" and len(args.positionals) > 1:
        _nix_run(item, args, state, facts)
    elif sub == "copy":
        destination = args.last("--to")
        if destination is None:
            return
        # Without installables naming what is copied, it is what the job built before.
        named = [_attr_of(item, installable, state) for installable in args.positionals[1:]]
        copied = [a for a in named if a] or state.built_attrs
        _cache_drafts(item, destination, copied, facts, registry=None)


def _attr_of(item: CommandStep, installable: str, state: JobState) -> str | None:
    return _installable_attr(installable) if "#" in installable or installable == "." else (
        attr_of_path(item, installable, state)
    )


def _nix_run(item: CommandStep, args: Arguments, state: JobState, facts: JobFacts) -> None:
    """nix2container: `.#x.copyToRegistry` pushes, `.#x.copyTo docker://…` pushes to the given
    place, `.#x.copyToDockerDaemon` / `.copyToPodman` only load locally."""
    flake, _, attr_path = args.positionals[1].partition("#")
    base, _, method = attr_path.rpartition(".")
    attr = flake_attr(f"{flake}#{base}") if base else None
    if attr is None:
        return
    source = BuildSource("nix", f".#{attr}")
    digest = "--digestfile" in args.after_dashes or any(
        a.startswith("--digestfile=") for a in args.after_dashes
    )
    if method == "copyToRegistry":
        draft_images(item, [], source, facts, digest=digest)
    elif method == "copyTo":
        targets = [a for a in args.after_dashes if a.startswith("docker://")]
        if targets:
            draft_images(item, targets[-1:], source, facts, digest=digest)
    elif method in ("copyToDockerDaemon", "copyToPodman"):
        state.loaded_nix = attr


def _cache_drafts(
    item: CommandStep, cache: str, attrs: list[str], facts: JobFacts, registry: str | None
) -> None:
    """One publication per flake attr pushed; `{kind: other}` when no built attr is known."""
    pushed = push_value(item.frame)
    if pushed is None:
        return
    resolved = item.resolve(cache)
    if registry is None:
        host = urlsplit(resolved).hostname if "://" in resolved else None
        registry = None if unresolved(resolved) else host
    sources = [BuildSource("nix", f".#{a}") for a in dict.fromkeys(attrs)]
    facts.drafts.extend(
        named_draft("nix-cache", item, cache, resolved, source, pushed, registry)
        for source in sources or [BuildSource("other", None)]
    )


def binary_cache(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    """`cachix push|watch-exec|watch-store NAME`, `attic push|watch-store CACHE`."""
    tool = posixpath.basename(words[0])
    registry = "cachix.org" if tool == "cachix" else "attic"
    args = parse_arguments(words[1:], _CACHE_OPTIONS)
    if len(args.positionals) < 2:
        return
    sub, cache = args.positionals[0], args.positionals[1]
    if sub == "push":
        named = [attr_of_path(item, path, state) for path in args.positionals[2:]]
        named.append(attr_of_pipe(item, item.command.piped_from, state))
        attrs = [a for a in named if a] or state.built_attrs
        _cache_drafts(item, cache, attrs, facts, registry)
    elif sub == "watch-exec":
        inner = words[words.index(cache, 1) + 1 :]
        inner = inner[1:] if inner[:1] == ["--"] else inner
        before = len(facts.nix_builds)
        if inner[:1] == ["nix"]:
            nix(item, inner, state, facts)
        _cache_drafts(item, cache, [hit.attr for hit in facts.nix_builds[before:]], facts, registry)
    elif sub == "watch-store":
        pushed = push_value(item.frame)
        if pushed is not None:
            draft = named_draft(
                "nix-cache", item, cache, item.resolve(cache),
                BuildSource("other", None), pushed, registry,
            )
            state.watchers.append((draft, len(state.built_attrs)))
