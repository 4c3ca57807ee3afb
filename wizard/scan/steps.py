"""Recognisers for `uses:` steps: actions that push images, flakes or store paths, scan, sign or
attest, with each action's documented defaults (build-push `push` false, trivy `exit-code` none,
anchore `fail-build` true, metadata-action's default tag rules)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from wizard.facts import BuildSource, Provenance, Signing, VulnScan
from wizard.scan.buildx import build_attestation, dockerfile_source, pushing_outputs
from wizard.scan.drafts import ImageGroups, image_drafts, named_draft
from wizard.scan.expressions import (
    ascii_int,
    flag,
    is_digest_reference,
    split_list,
    text_of,
)
from wizard.scan.findings import (
    JobFacts,
    JobState,
    ProvenanceKind,
    fails_job,
    push_value,
    trivy_output,
)
from wizard.scan.items import ActionStep, ProblemLog
from wizard.scan.targets import Guarded, Target, targets_of
from wizard.yamlsafe import YMap

_METADATA_TAGS = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$")
_METADATA_DEFAULT_TAGS = [
    "type=schedule",
    "type=ref,event=branch",
    "type=ref,event=tag",
    "type=ref,event=pr",
]
_ATTESTATIONS: dict[str, ProvenanceKind] = {
    "actions/attest-build-provenance": "attest-build-provenance",
    "actions/attest": "attest-build-provenance",
    "actions/attest-sbom": "sbom",
    "anchore/sbom-action": "sbom",
}

# An action not recognised here is reported when its name suggests it publishes something...
_PUBLISHING_WORDS = ("push", "publish", "release", "deploy", "upload")
# ...unless it is known to publish no image, flake or store paths (workflow artifacts, Pages,
# code-scanning results, GitHub releases and their notes, language packages).
_PUBLISHING_NOTHING_SCANNED = frozenset(
    {
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/create-release",
        "actions/upload-release-asset",
        "github/codeql-action/upload-sarif",
        "softprops/action-gh-release",
        "ncipollo/release-action",
        "release-drafter/release-drafter",
        "googleapis/release-please-action",
        "google-github-actions/release-please-action",
        "pypa/gh-action-pypi-publish",
    }
)
# Actions known to push images or store paths in ways this scanner does not read.
_UNREAD_PUBLISHERS = frozenset(
    {"docker/bake-action", "determinatesystems/flakehub-cache-action"}
)
_UNSEEN = "publications inside it are not seen"

def _metadata_images(step: ActionStep) -> list[tuple[str, str]]:
    """metadata-action `images:`: one name per line (or comma), `name=…,enable=false` honoured."""
    images: list[tuple[str, str]] = []
    for line in split_list(step.input("images"), commas=False):
        if "name=" in line:
            fields = dict(
                part.strip().partition("=")[::2] for part in line.split(",") if "=" in part
            )
            if fields.get("enable", "true").strip() == "false" or not fields.get("name"):
                continue
            names = [fields["name"].strip()]
        else:
            names = split_list(line)
        images.extend((name, step.frame.scope.resolve(name)) for name in names)
    return images


def _metadata_tags(step: ActionStep) -> list[str]:
    return split_list(step.input("tags"), commas=False) or list(_METADATA_DEFAULT_TAGS)


def _tagged_images(step: ActionStep, state: JobState) -> ImageGroups:
    """build-push `tags:` grouped by image; `${{ steps.<meta>.outputs.tags }}` read from the
    metadata step that produces it."""
    images = ImageGroups()
    for entry in split_list(step.input("tags")):
        produced = _METADATA_TAGS.match(entry)
        metadata = state.metadata.get((step.frame.path, produced.group(1))) if produced else None
        if metadata is not None:
            for written, resolved in _metadata_images(metadata):
                images.add(written, resolved, _metadata_tags(metadata))
            continue
        for resolved_entry in split_list(step.frame.scope.resolve(entry)):
            images.add_reference(entry, resolved_entry)
    return images


def _repository_path(path: str) -> str:
    """An action's path input relative to the repository (actions run in the workspace)."""
    normal = posixpath.normpath(path)
    return "" if normal == "." else normal


def _build_push(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    facts.buildx = True
    if step.inputs is not None and not isinstance(step.inputs, YMap):
        problem(
            step.frame.path, step.line,
            "`with:` of docker/build-push-action is not a mapping; whether it pushes is unknown",
        )
        return
    images = _tagged_images(step, state)
    outputs_push, output_names = pushing_outputs(split_list(step.input("outputs"), commas=False))
    for name in output_names:
        images.add(name, step.frame.scope.resolve(name))
    source = dockerfile_source(step.text("file"), step.text("context"), _repository_path)
    state.dockerfile_builds.append(source)
    for resolved in images.resolved_names():
        state.image_sources[resolved] = source  # `load: true` then `docker push` later
    explicit = step.input("push")
    if outputs_push and flag(explicit, step.frame.scope) in (None, False):
        explicit = True
    pushed = push_value(step.frame, False if explicit is None else explicit)
    if pushed is None:
        return
    attests = split_list(step.input("attests"), commas=False)
    attestation = build_attestation(step.text("provenance"), step.text("sbom"), attests)
    provenance = Provenance(attestation, step.line, step.frame.path) if attestation else None
    facts.drafts.extend(
        image_drafts(
            images, step, source, pushed, digest=True, buildx=True, provenance=provenance
        )
    )


def _flakehub(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    pushed = push_value(step.frame)
    if pushed is None:
        return
    written = text_of(step.input("name")) or text_of(step.input("repository"))
    written = written or "${{ github.repository }}"
    tag = step.text("tag")
    facts.drafts.append(
        named_draft(
            "flakehub", step, written, step.frame.scope.resolve(written),
            BuildSource("nix", "."), pushed, "flakehub.com", [tag] if tag else [],
        )
    )


def _cachix(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    authorised = step.input("authToken") is not None or step.input("signingKey") is not None
    if not authorised or flag(step.input("skipPush"), step.frame.scope) is True:
        return  # without credentials the action only reads from the cache
    pushed = push_value(step.frame)
    name = text_of(step.input("name"))
    if pushed is None:
        return
    draft = named_draft(
        "nix-cache", step, name, step.frame.scope.resolve(name) if name else None,
        BuildSource("other", None), pushed, "cachix.org",
    )
    state.watchers.append((draft, len(state.built_attrs)))


def _targets(step: ActionStep, *keys: str) -> tuple[Target, ...] | None:
    """What the step names in its input `keys[0]` (a list), with the digest given separately in
    `keys[1]` when there is one; None (anything in the linked jobs) when that is not known."""
    references = split_list(step.text(keys[0]))
    digest = step.text(keys[1]) if len(keys) > 1 else None
    if digest:
        references = [f"{reference}@{digest}" for reference in references]
    return targets_of(references, step.frame.steps_file)


def _scan(tool: str, blocking: bool, step: ActionStep, facts: JobFacts, image_input: str) -> None:
    scan = VulnScan(tool, step.line, blocking and fails_job(step.frame), step.frame.path)
    facts.scans.append(Guarded(scan, _targets(step, image_input)))


def _trivy(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    output = trivy_output(step.text("scan-type") or "image", step.text("format") or "table")
    if output == "sbom":
        sbom = Provenance("sbom", step.line, step.frame.path)
        facts.provenances.append(Guarded(sbom, _targets(step, "image-ref")))
    if output != "scan":
        return
    code = ascii_int(step.text("exit-code") or "")
    _scan("trivy", code is not None and code > 0, step, facts, "image-ref")


def _anchore(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    blocking = flag(step.input("fail-build"), step.frame.scope) in (None, True)
    _scan("grype", blocking, step, facts, "image")


def _snyk(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    _scan("snyk", (step.text("command") or "test").strip() != "monitor", step, facts, "image")


def _notation(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    references = split_list(step.text("target_artifact_reference"))
    by_digest = bool(references) and all(is_digest_reference(r) for r in references)
    signing = Signing("notation", "key", by_digest, step.line, step.frame.path)
    facts.signings.append(Guarded(signing, _targets(step, "target_artifact_reference")))


def _metadata(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    if step.step_id:
        state.metadata[(step.frame.path, step.step_id)] = step


def _buildx(step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog) -> None:
    facts.buildx = True


ActionRecogniser = Callable[[ActionStep, JobState, JobFacts, ProblemLog], None]

_RECOGNISERS: dict[str, ActionRecogniser] = {
    "docker/build-push-action": _build_push,
    "docker/metadata-action": _metadata,
    "docker/setup-buildx-action": _buildx,
    "determinatesystems/flakehub-push": _flakehub,
    "cachix/cachix-action": _cachix,
    "aquasecurity/trivy-action": _trivy,
    "anchore/scan-action": _anchore,
    "notaryproject/notation-action/sign": _notation,
}


def recognise_action(
    step: ActionStep, state: JobState, facts: JobFacts, problem: ProblemLog
) -> None:
    """Record what a `uses:` step contributes to its job."""
    recogniser = _RECOGNISERS.get(step.name)
    if recogniser is not None:
        recogniser(step, state, facts, problem)
    elif step.name.startswith("snyk/actions/") and step.name != "snyk/actions/setup":
        _snyk(step, state, facts, problem)
    elif step.name in _ATTESTATIONS:
        attestation = Provenance(_ATTESTATIONS[step.name], step.line, step.frame.path)
        subject = ("image",) if step.name == "anchore/sbom-action" else (
            "subject-name", "subject-digest",
        )
        facts.provenances.append(Guarded(attestation, _targets(step, *subject)))
    elif step.name in _UNREAD_PUBLISHERS:
        problem(
            step.frame.path, step.line,
            f"`{step.name}` not followed: an action that can push images or store paths in ways "
            f"not read here; {_UNSEEN}",
        )
    elif step.name not in _PUBLISHING_NOTHING_SCANNED and any(
        word in step.name for word in _PUBLISHING_WORDS
    ):
        problem(
            step.frame.path, step.line,
            f"`{step.name}` not followed: unknown action whose name suggests publishing; {_UNSEEN}",
        )
