"""What a Docker/Buildx build reads from its settings, the same whether they are
docker/build-push-action inputs or `docker [buildx] build` options: the Dockerfile it builds,
the outputs that push (and the image names they give), and the attestations it adds."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from wizard.facts import BuildSource
from wizard.scan.findings import ProvenanceKind

# strconv.ParseBool's false values: what buildx takes for `--provenance=…` / `--sbom=…` off.
_OFF = frozenset({"0", "f", "false"})


def dockerfile_source(
    file: str | None, context: str | None, local: Callable[[str], str]
) -> BuildSource:
    """The Dockerfile a build reads: `file` when given, else `Dockerfile` in the context (`.`
    by default). `local` turns a path as written into one relative to the repository. A remote
    context or one read from standard input is `other`."""
    if file == "-":
        return BuildSource("other", None)
    if file is not None:
        return BuildSource("dockerfile", local(file))
    context = context or "."
    if "://" in context or context == "-" or context.startswith("git@"):
        return BuildSource("other", context)
    return BuildSource("dockerfile", posixpath.join(local(context), "Dockerfile"))


def pushing_outputs(outputs: list[str]) -> tuple[bool, list[str]]:
    """Whether any output pushes (`type=registry`, `type=image,push=true`), and the image names
    those outputs give."""
    pushes, names = False, list[str]()
    for output in outputs:
        fields = dict(part.strip().partition("=")[::2] for part in output.split(","))
        kind = fields.get("type", "")
        if kind == "registry" or (kind == "image" and fields.get("push") == "true"):
            pushes = True
            names.extend(n for n in fields.get("name", "").split(";") if n)
    return pushes, names


def build_attestation(
    provenance: str | None, sbom: str | None, attests: list[str]
) -> ProvenanceKind | None:
    """The strongest attestation a build adds: buildx provenance (`provenance` on, or an attest
    of `type=provenance`), else an SBOM; None when neither is on. An expression, known only per
    run, counts as on."""

    def on(value: str | None) -> bool:
        return value is not None and value.strip().lower() not in _OFF

    kinds = " ".join(attests)
    if on(provenance) or "type=provenance" in kinds:
        return "buildx-provenance"
    if on(sbom) or "type=sbom" in kinds:
        return "sbom"
    return None
