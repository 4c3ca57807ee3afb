"""Recognisers for shell commands that build, load, tag or push images, and that build or push Nix
outputs: docker/podman/buildah, skopeo, crane, nix (build, run .#x.copyToRegistry, copy --to),
cachix and attic. Each reads the parsed words of one command; earlier commands of the job leave
their results (out-links, loaded images, local tags) in the JobState."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import urlsplit

from wizard.facts import BuildSource, Provenance
from wizard.scan.arguments import Arguments, parse_arguments
from wizard.scan.expressions import split_reference, unresolved
from wizard.scan.findings import JobFacts, JobState, NixBuildHit, PushDraft, nix_attr, push_value
from wizard.scan.indirection import CommandStep
from wizard.scan.shell import ShellCommand, parse_script

_ENGINE_GLOBALS = {
    "--config": 1, "-c": 1, "--context": 1, "-H": 1, "--host": 1, "-l": 1, "--log-level": 1,
    "--tlscacert": 1, "--tlscert": 1, "--tlskey": 1, "--root": 1, "--runroot": 1,
    "--storage-driver": 1, "--url": 1, "--connection": 1, "--cgroup-manager": 1,
}
_BUILD_OPTIONS = {
    "-t": 1, "--tag": 1, "-f": 1, "--file": 1, "--build-arg": 1, "--platform": 1, "--target": 1,
    "--label": 1, "-o": 1, "--output": 1, "--cache-from": 1, "--cache-to": 1, "--secret": 1,
    "--ssh": 1, "--builder": 1, "--metadata-file": 1, "--iidfile": 1, "--provenance": 1,
    "--sbom": 1, "--attest": 1, "--network": 1, "--progress": 1, "--build-context": 1,
    "--allow": 1, "--annotation": 1, "--add-host": 1, "--shm-size": 1, "--ulimit": 1,
    "--cgroup-parent": 1, "-m": 1, "--memory": 1, "--isolation": 1, "--call": 1,
    "--authfile": 1, "--creds": 1, "--format": 1, "--layers": 0, "--jobs": 1,
}
_PUSH_OPTIONS = {
    "--platform": 1, "--authfile": 1, "--cert-dir": 1, "--creds": 1, "--digestfile": 1,
    "--format": 1, "-f": 1, "--sign-by": 1, "--compression-format": 1, "--compression-level": 1,
    "--retry": 1, "--retry-delay": 1, "--encryption-key": 1, "--sign-passphrase-file": 1,
    "--sign-by-sigstore": 1, "--sign-by-sigstore-private-key": 1,
}
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
_SKOPEO_OPTIONS = {
    "--command-timeout": 1, "--override-arch": 1, "--override-os": 1, "--override-variant": 1,
    "--policy": 1, "--registries.d": 1, "--tmpdir": 1, "--registries-conf": 1,
    "--src-creds": 1, "--dest-creds": 1, "--authfile": 1, "--src-authfile": 1,
    "--dest-authfile": 1, "--format": 1, "-f": 1, "--digestfile": 1, "--sign-by": 1,
    "--src-cert-dir": 1, "--dest-cert-dir": 1, "--additional-tag": 1, "--multi-arch": 1,
    "--retry-times": 1, "--src-registry-token": 1, "--dest-registry-token": 1,
}
_CRANE_OPTIONS = {"--platform": 1, "--index": 0, "--image-refs": 1}
_CACHE_OPTIONS = {
    "-c": 1, "--config": 1, "--hostname": 1, "-j": 1, "--jobs": 1, "-l": 1,
    "--compression-level": 1, "-m": 1, "--compression-method": 1, "--chunk-size": 1,
}
_DECOMPRESSORS = frozenset({"cat", "gunzip", "zcat", "gzip", "pigz", "zstd", "zstdcat", "xz"})


def _key(item: CommandStep, reference: str) -> str:
    """A local image name as the daemon stores it (resolved, without tag or digest)."""
    return split_reference(item.resolve(reference)).name


def _relative(item: CommandStep, path: str) -> str:
    normal = posixpath.normpath(posixpath.join(item.frame.workdir, item.resolve(path)))
    return "" if normal == "." else normal


def _source_of_local_image(item: CommandStep, reference: str, state: JobState) -> BuildSource:
    known = state.image_sources.get(_key(item, reference))
    if known is not None:
        return known
    if state.loaded_nix is not None:
        return BuildSource("nix", f".#{state.loaded_nix}")
    distinct = {(b.kind, b.ref) for b in state.dockerfile_builds}
    if len(distinct) == 1:
        kind, ref = distinct.pop()
        return BuildSource(kind, ref)
    return BuildSource("other", None)


def _attr_of_path(item: CommandStep, path: str, state: JobState) -> str | None:
    """The flake attr behind a file: a `nix build` out-link (or a file inside it), or the
    `$(nix build … --print-out-paths)` that produces it."""
    text = item.resolve(path)
    if text.startswith("$(") and text.endswith(")"):
        for inner in parse_script(text[2:-1]).commands:
            attrs = _nix_build_attrs(parse_arguments(inner.words[1:], _NIX_OPTIONS))
            if inner.name == "nix" and attrs:
                return attrs[0][1]
        return None
    relative = _relative(item, text)
    if relative.startswith(("/", "../")):
        return None
    while relative:
        if relative in state.out_links:
            return state.out_links[relative]
        relative = posixpath.dirname(relative)
    return None


def _attr_of_pipe(item: CommandStep, upstream: ShellCommand | None, state: JobState) -> str | None:
    """`./result | docker load`, `gunzip -c result | docker load`."""
    if upstream is None:
        return None
    attr = _attr_of_path(item, upstream.name, state) if "/" in upstream.name else None
    if attr is None and posixpath.basename(upstream.name) in _DECOMPRESSORS:
        for word in upstream.words[1:]:
            if not word.startswith("-"):
                attr = attr or _attr_of_path(item, word, state)
    return attr


def _draft_images(
    item: CommandStep,
    references: list[str],
    source: BuildSource,
    facts: JobFacts,
    *,
    digest: bool = False,
    buildx: bool = False,
    provenance: Provenance | None = None,
) -> None:
    pushed = push_value(item.frame)
    if pushed is None:
        return
    images: dict[tuple[str, str], dict[str, None]] = {}
    for reference in references:
        written = split_reference(reference)
        resolved = split_reference(item.resolve(reference))
        tag = written.tag or resolved.tag
        bucket = images.setdefault((written.name, resolved.name), {})
        if tag:
            bucket[tag] = None
    for (written_name, resolved_name), tags in images.items() or {("", ""): {}}.items():
        facts.drafts.append(
            PushDraft(
                kind="image",
                frame=item.frame,
                line=item.line,
                image=written_name or None,
                image_resolved=resolved_name or None,
                tags=list(tags),
                build_source=source,
                push=pushed,
                digest_output=digest,
                buildx=buildx,
                provenance=provenance,
            )
        )


def _dockerfile(item: CommandStep, args: Arguments) -> BuildSource:
    file = args.last("-f", "--file")
    if file is not None:
        if file == "-":
            return BuildSource("other", None)
        return BuildSource("dockerfile", _relative(item, file) or file)
    context = args.positionals[-1] if args.positionals else "."
    if "://" in context or context == "-" or context.startswith("git@"):
        return BuildSource("other", context)
    return BuildSource("dockerfile", posixpath.join(_relative(item, context), "Dockerfile"))


def _build(
    item: CommandStep, words: list[str], buildx: bool, state: JobState, facts: JobFacts
) -> None:
    args = parse_arguments(words, _BUILD_OPTIONS)
    source = _dockerfile(item, args)
    tags = args.all("-t", "--tag")
    state.dockerfile_builds.append(source)
    for tag in tags:
        state.image_sources[_key(item, tag)] = source
    names: list[str] = []
    pushes = args.has("--push")
    for output in args.all("-o", "--output"):
        fields = dict(part.strip().partition("=")[::2] for part in output.split(","))
        kind = fields.get("type", "")
        if kind == "registry" or (kind == "image" and fields.get("push") == "true"):
            pushes = True
            names.extend(n for n in fields.get("name", "").split(";") if n)
    if not pushes:
        return
    provenance = None
    attests = " ".join(args.all("--attest"))
    if args.last("--provenance") not in (None, "false", "0") or "type=provenance" in attests:
        provenance = Provenance("buildx-provenance", item.line, item.frame.path)
    elif args.last("--sbom") not in (None, "false", "0") or "type=sbom" in attests:
        provenance = Provenance("sbom", item.line, item.frame.path)
    _draft_images(
        item, tags + names, source, facts,
        digest=args.has("--metadata-file"), buildx=buildx, provenance=provenance,
    )


def _engine(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    """docker / podman / buildah."""
    engine = posixpath.basename(words[0])
    index = 1
    while index < len(words) and words[index].startswith("-"):
        index += 1 + _ENGINE_GLOBALS.get(words[index], 0)
    rest = words[index:]
    if rest[:1] in (["image"], ["container"]):
        rest = rest[1:]
    buildx = rest[:1] in (["buildx"], ["builder"])
    if buildx:
        facts.buildx = True
        rest = rest[1:]
    if not rest:
        return
    sub, args = rest[0], rest[1:]
    if sub in ("build", "b", "bud"):
        _build(item, args, buildx, state, facts)
    elif sub == "push":
        parsed = parse_arguments(args, _PUSH_OPTIONS)
        positionals = parsed.positionals
        if not positionals:
            return
        target = positionals[1] if len(positionals) > 1 and engine != "docker" else positionals[0]
        source = _source_of_local_image(item, positionals[0], state)
        _draft_images(item, [target], source, facts, digest=parsed.has("--digestfile"))
    elif sub == "load":
        parsed = parse_arguments(args, {"-i": 1, "--input": 1, "--platform": 1})
        path = parsed.last("-i", "--input") or item.command.stdin
        attr = (
            _attr_of_path(item, path, state)
            if path
            else _attr_of_pipe(item, item.command.piped_from, state)
        )
        if attr is not None:
            state.loaded_nix = attr
    elif sub == "tag":
        positionals = parse_arguments(args, {}).positionals
        if len(positionals) == 2:
            source = _source_of_local_image(item, positionals[0], state)
            state.image_sources[_key(item, positionals[1])] = source
    elif sub == "imagetools" and args[:1] == ["create"]:
        parsed = parse_arguments(args[1:], {"-t": 1, "--tag": 1, "-f": 1, "--file": 1})
        if not parsed.has("--dry-run"):
            _draft_images(item, parsed.all("-t", "--tag"), BuildSource("other", None), facts)
    elif sub == "manifest" and args[:1] == ["push"]:
        positionals = parse_arguments(args[1:], _PUSH_OPTIONS).positionals
        if positionals:
            _draft_images(item, [positionals[-1]], BuildSource("other", None), facts)
    elif sub == "bake" and buildx:
        parsed = parse_arguments(args, {"--set": 1, "-f": 1, "--file": 1, "--metadata-file": 1})
        sets = " ".join(parsed.all("--set"))
        if parsed.has("--push") or "type=registry" in sets:
            _draft_images(
                item, [], BuildSource("other", None), facts,
                digest=parsed.has("--metadata-file"), buildx=True,
            )


def _nix_build_attrs(args: Arguments) -> list[tuple[int, str]]:
    """(position among installables, flake attr) of a `nix build` (no installable: `.#default`)."""
    positionals = args.positionals
    if positionals[:1] != ["build"] or args.has("--expr", "-f", "--file"):
        return []
    installables = positionals[1:] or ["."]
    attrs = [(index, nix_attr(installable)) for index, installable in enumerate(installables)]
    return [(index, attr) for index, attr in attrs if attr is not None]


def _nix(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
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
                state.out_links[_relative(item, name)] = attr
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
    return nix_attr(installable) if "#" in installable or installable == "." else (
        _attr_of_path(item, installable, state)
    )


def _nix_run(item: CommandStep, args: Arguments, state: JobState, facts: JobFacts) -> None:
    """nix2container: `.#x.copyToRegistry` pushes, `.#x.copyTo docker://…` pushes to the given
    place, `.#x.copyToDockerDaemon` / `.copyToPodman` only load locally."""
    flake, _, attr_path = args.positionals[1].partition("#")
    base, _, method = attr_path.rpartition(".")
    attr = nix_attr(f"{flake}#{base}") if base else None
    if attr is None:
        return
    source = BuildSource("nix", f".#{attr}")
    digest = "--digestfile" in args.after_dashes or any(
        a.startswith("--digestfile=") for a in args.after_dashes
    )
    if method == "copyToRegistry":
        _draft_images(item, [], source, facts, digest=digest)
    elif method == "copyTo":
        targets = [a for a in args.after_dashes if a.startswith("docker://")]
        if targets:
            _draft_images(item, targets[-1:], source, facts, digest=digest)
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
    sources = sources or [BuildSource("other", None)]
    for source in sources:
        facts.drafts.append(
            PushDraft(
                kind="nix-cache",
                frame=item.frame,
                line=item.line,
                image=cache,
                image_resolved=resolved,
                tags=[],
                build_source=source,
                push=pushed,
                registry=registry,
            )
        )


def _binary_cache(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    """`cachix push|watch-exec|watch-store NAME`, `attic push|watch-store CACHE`."""
    tool = posixpath.basename(words[0])
    registry = "cachix.org" if tool == "cachix" else "attic"
    args = parse_arguments(words[1:], _CACHE_OPTIONS)
    if len(args.positionals) < 2:
        return
    sub, cache = args.positionals[0], args.positionals[1]
    if sub == "push":
        named = [_attr_of_path(item, path, state) for path in args.positionals[2:]]
        named.append(_attr_of_pipe(item, item.command.piped_from, state))
        attrs = [a for a in named if a] or state.built_attrs
        _cache_drafts(item, cache, attrs, facts, registry)
    elif sub == "watch-exec":
        inner = words[words.index(cache, 1) + 1 :]
        inner = inner[1:] if inner[:1] == ["--"] else inner
        before = len(facts.nix_builds)
        if inner[:1] == ["nix"]:
            _nix(item, inner, state, facts)
        _cache_drafts(item, cache, [hit.attr for hit in facts.nix_builds[before:]], facts, registry)
    elif sub == "watch-store":
        pushed = push_value(item.frame)
        if pushed is not None:
            draft = PushDraft(
                kind="nix-cache", frame=item.frame, line=item.line, image=cache,
                image_resolved=item.resolve(cache), tags=[],
                build_source=BuildSource("other", None), push=pushed, registry=registry,
            )
            state.watchers.append((draft, len(state.built_attrs)))


def _skopeo(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    args = parse_arguments(words[1:], _SKOPEO_OPTIONS)
    positionals = args.positionals
    if positionals[:1] != ["copy"] or len(positionals) < 3:
        return
    source_ref, destination = positionals[-2], positionals[-1]
    if not item.resolve(destination).startswith("docker://"):
        return
    transport, _, location = item.resolve(source_ref).partition(":")
    if transport in ("docker-archive", "oci-archive", "nix", "oci"):
        attr = _attr_of_path(item, location.split(":")[0], state)
        source = BuildSource("nix", f".#{attr}") if attr else BuildSource("other", None)
    elif transport == "docker-daemon":
        source = _source_of_local_image(item, location, state)
    else:
        source = BuildSource("other", None)
    _draft_images(item, [destination], source, facts, digest=args.has("--digestfile"))


def _crane(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    positionals = parse_arguments(words[1:], _CRANE_OPTIONS).positionals
    if len(positionals) < 3 or positionals[0] not in ("push", "copy", "cp"):
        return
    source = BuildSource("other", None)
    if positionals[0] == "push":
        attr = _attr_of_path(item, positionals[1], state)
        source = BuildSource("nix", f".#{attr}") if attr else source
    _draft_images(item, [positionals[2]], source, facts, digest=True)


Recogniser = Callable[[CommandStep, list[str], JobState, JobFacts], None]

PUSH_COMMANDS: dict[str, Recogniser] = {
    "docker": _engine,
    "podman": _engine,
    "buildah": _engine,
    "nix": _nix,
    "cachix": _binary_cache,
    "attic": _binary_cache,
    "skopeo": _skopeo,
    "crane": _crane,
}
