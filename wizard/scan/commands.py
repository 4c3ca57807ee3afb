"""Recognisers for shell commands that build, load, tag or push images (docker, podman, buildah,
skopeo, crane), and the table of every pushing command including the Nix ones. Each reads the
parsed words of one command; earlier commands of the job leave their results (out-links, loaded
images, local tags) in the JobState."""

from __future__ import annotations

import posixpath

from wizard.facts import BuildSource, Provenance
from wizard.scan.arguments import parse_arguments
from wizard.scan.buildx import build_attestation, dockerfile_source, pushing_outputs
from wizard.scan.drafts import draft_images, image_key, local_path
from wizard.scan.findings import CommandRecogniser, JobFacts, JobState
from wizard.scan.items import CommandStep
from wizard.scan.nix_commands import attr_of_path, attr_of_pipe, binary_cache, nix

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
_SKOPEO_OPTIONS = {
    "--command-timeout": 1, "--override-arch": 1, "--override-os": 1, "--override-variant": 1,
    "--policy": 1, "--registries.d": 1, "--tmpdir": 1, "--registries-conf": 1,
    "--src-creds": 1, "--dest-creds": 1, "--authfile": 1, "--src-authfile": 1,
    "--dest-authfile": 1, "--format": 1, "-f": 1, "--digestfile": 1, "--sign-by": 1,
    "--src-cert-dir": 1, "--dest-cert-dir": 1, "--additional-tag": 1, "--multi-arch": 1,
    "--retry-times": 1, "--src-registry-token": 1, "--dest-registry-token": 1,
}
_CRANE_OPTIONS = {"--platform": 1, "--index": 0, "--image-refs": 1}


def _source_of_local_image(item: CommandStep, reference: str, state: JobState) -> BuildSource:
    """Where a local image came from: the build or tag that named it, else the Nix image the job
    loaded, else the job's only Dockerfile build."""
    known = state.image_sources.get(image_key(item, reference))
    if known is not None:
        return known
    if state.loaded_nix is not None:
        return BuildSource("nix", f".#{state.loaded_nix}")
    distinct = {(b.kind, b.ref) for b in state.dockerfile_builds}
    if len(distinct) == 1:
        kind, ref = distinct.pop()
        return BuildSource(kind, ref)
    return BuildSource("other", None)


def _build(
    item: CommandStep, words: list[str], buildx: bool, state: JobState, facts: JobFacts
) -> None:
    args = parse_arguments(words, _BUILD_OPTIONS)
    context = args.positionals[-1] if args.positionals else None
    source = dockerfile_source(
        args.last("-f", "--file"), context, lambda path: local_path(item, path)
    )
    tags = args.all("-t", "--tag")
    state.dockerfile_builds.append(source)
    for tag in tags:
        state.image_sources[image_key(item, tag)] = source
    pushes, names = pushing_outputs(args.all("-o", "--output"))
    if not (pushes or args.has("--push")):
        return
    attestation = build_attestation(
        args.last("--provenance"), args.last("--sbom"), args.all("--attest")
    )
    provenance = Provenance(attestation, item.line, item.frame.path) if attestation else None
    draft_images(
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
        draft_images(item, [target], source, facts, digest=parsed.has("--digestfile"))
    elif sub == "load":
        parsed = parse_arguments(args, {"-i": 1, "--input": 1, "--platform": 1})
        path = parsed.last("-i", "--input") or item.command.stdin
        attr = (
            attr_of_path(item, path, state)
            if path
            else attr_of_pipe(item, item.command.piped_from, state)
        )
        if attr is not None:
            state.loaded_nix = attr
    elif sub == "tag":
        positionals = parse_arguments(args, {}).positionals
        if len(positionals) == 2:
            source = _source_of_local_image(item, positionals[0], state)
            state.image_sources[image_key(item, positionals[1])] = source
    elif sub == "imagetools" and args[:1] == ["create"]:
        parsed = parse_arguments(args[1:], {"-t": 1, "--tag": 1, "-f": 1, "--file": 1})
        if not parsed.has("--dry-run"):
            draft_images(item, parsed.all("-t", "--tag"), BuildSource("other", None), facts)
    elif sub == "manifest" and args[:1] == ["push"]:
        positionals = parse_arguments(args[1:], _PUSH_OPTIONS).positionals
        if positionals:
            draft_images(item, [positionals[-1]], BuildSource("other", None), facts)
    elif sub == "bake" and buildx:
        parsed = parse_arguments(args, {"--set": 1, "-f": 1, "--file": 1, "--metadata-file": 1})
        sets = " ".join(parsed.all("--set"))
        if parsed.has("--push") or "type=registry" in sets:
            draft_images(
                item, [], BuildSource("other", None), facts,
                digest=parsed.has("--metadata-file"), buildx=True,
            )


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
        attr = attr_of_path(item, location.split(":")[0], state)
        source = BuildSource("nix", f".#{attr}") if attr else BuildSource("other", None)
    elif transport == "docker-daemon":
        source = _source_of_local_image(item, location, state)
    else:
        source = BuildSource("other", None)
    draft_images(item, [destination], source, facts, digest=args.has("--digestfile"))


def _crane(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    positionals = parse_arguments(words[1:], _CRANE_OPTIONS).positionals
    if len(positionals) < 3 or positionals[0] not in ("push", "copy", "cp"):
        return
    source = BuildSource("other", None)
    if positionals[0] == "push":
        attr = attr_of_path(item, positionals[1], state)
        source = BuildSource("nix", f".#{attr}") if attr else source
    draft_images(item, [positionals[2]], source, facts, digest=True)

PUSH_COMMANDS: dict[str, CommandRecogniser] = {
    "docker": _engine,
    "podman": _engine,
    "buildah": _engine,
    "nix": nix,
    "cachix": binary_cache,
    "attic": binary_cache,
    "skopeo": _skopeo,
    "crane": _crane,
}
