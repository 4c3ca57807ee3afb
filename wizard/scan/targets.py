"""What a scan, signature or attestation names: the images (once known statically) and the pushing
steps whose digests it uses. It counts for the publications it names; one that names something
unknown counts for every publication of the jobs linked with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from wizard.facts import Provenance, Signing, VulnScan
from wizard.scan.expressions import split_reference, unresolved

_STEP_OUTPUT = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.[\w-]+\s*\}\}$")
_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
# Schemes of the sources grype and syft read: from a registry or a daemon, or from files.
_IMAGE_SCHEMES = ("registry:", "docker:", "podman:")
_FILE_SCHEMES = frozenset(
    {"dir", "file", "docker-archive", "oci-archive", "oci-dir", "sbom", "singularity", "purl"}
)

Fact = TypeVar("Fact", VulnScan, Signing, Provenance)


@dataclass(frozen=True)
class Target:
    """One reference a guard names: the image (registry/path in lower case, Docker Hub's implicit
    parts written out) and the step whose output gives its digest, each when known."""

    image: str | None
    step: tuple[str, str] | None  # (file whose `steps` context it is read in, step id)


@dataclass
class Guarded(Generic[Fact]):
    """A scan, signature or attestation and what it names; None when that is not known."""

    fact: Fact
    targets: tuple[Target, ...] | None = None


def canonical_image(name: str) -> str:
    """An image name as the registry stores it: `acme/api` is `docker.io/acme/api`, `alpine`
    is `docker.io/library/alpine`, and names are lower case."""
    parts = name.lower().split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, parts[1:]
    else:
        registry, path = "docker.io", parts
    if registry in _DOCKER_HUB:
        registry = "docker.io"
        if len(path) == 1:
            path = ["library", *path]
    return "/".join([registry, *path])


def _target(reference: str, steps_file: str) -> Target | None:
    """What one resolved reference names; None when neither its image nor a step is known."""
    if reference.startswith(("/", ".", "~")):
        return None  # a path on the runner
    parts = split_reference(reference)
    image = canonical_image(parts.name) if parts.name and not unresolved(parts.name) else None
    output = _STEP_OUTPUT.match(parts.digest.strip()) if parts.digest else None
    step = (steps_file, output.group(1)) if output else None
    return None if image is None and step is None else Target(image, step)


def targets_of(references: list[str], steps_file: str) -> tuple[Target, ...] | None:
    """What resolved references name; None when there is none or any one names nothing known."""
    targets = [_target(reference, steps_file) for reference in references]
    if not targets or any(target is None for target in targets):
        return None
    return tuple(target for target in targets if target is not None)


def source_reference(source: str) -> str | None:
    """The image a grype or syft source reads (`registry:x`, `docker:x`, or a bare `x`); None
    for directories, files and archives."""
    for scheme in _IMAGE_SCHEMES:
        if source.startswith(scheme):
            return source[len(scheme) :]
    return None if source.partition(":")[0] in _FILE_SCHEMES else source
