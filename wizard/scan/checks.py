"""Recognisers for shell commands that guard a publication: vulnerability scanners (trivy, grype,
snyk), signing (cosign, notation) and SBOM generation (syft, trivy's SBOM formats)."""

from __future__ import annotations

from typing import Literal

from wizard.facts import Provenance, Signing, VulnScan
from wizard.scan.arguments import parse_arguments
from wizard.scan.expressions import ascii_int, is_digest_reference
from wizard.scan.findings import CommandRecogniser, JobFacts, JobState, fails_job, trivy_output
from wizard.scan.items import CommandStep
from wizard.scan.targets import Guarded, Target, source_reference, targets_of

_TRIVY_OPTIONS = {
    "--exit-code": 1, "--severity": 1, "-s": 1, "--format": 1, "-f": 1, "--output": 1,
    "-o": 1, "--template": 1, "-t": 1, "--timeout": 1, "--cache-dir": 1, "--ignorefile": 1,
    "--skip-dirs": 1, "--skip-files": 1, "--scanners": 1, "--vuln-type": 1, "--pkg-types": 1,
    "--db-repository": 1, "--input": 1, "-i": 1, "--platform": 1, "--config": 1, "-c": 1,
    "--ignore-policy": 1, "--exit-on-eol": 1, "--image-src": 1, "--server": 1, "--token": 1,
}
_GRYPE_OPTIONS = {
    "-o": 1, "--output": 1, "-f": 1, "--fail-on": 1, "-c": 1, "--config": 1, "--file": 1,
    "--scope": 1, "-s": 1, "--platform": 1, "--exclude": 1, "-e": 1, "--distro": 1,
    "--name": 1, "-t": 1, "--template": 1, "--sort-by": 1,
}
_GRYPE_OTHER = frozenset({"db", "version", "completion", "config", "explain", "help"})
_SYFT_OTHER = frozenset({"version", "login", "completion", "config", "cataloger", "help"})
_COSIGN_OPTIONS = {
    "-a": 1, "--annotations": 1, "--attachment": 1, "--certificate": 1,
    "--certificate-chain": 1, "--fulcio-url": 1, "--identity-token": 1, "-k": 1, "--key": 1,
    "--oidc-client-id": 1, "--oidc-client-secret-file": 1, "--oidc-issuer": 1,
    "--oidc-provider": 1, "--output-certificate": 1, "--output-payload": 1,
    "--output-signature": 1, "--payload": 1, "--registry-password": 1,
    "--registry-username": 1, "--registry-token": 1, "--rekor-url": 1, "--slot": 1,
    "--timeout": 1, "-t": 1, "--signing-config": 1, "--bundle": 1, "--trusted-root": 1,
    "--sk": 0, "--tlog-upload": 0,
}
_NOTATION_OPTIONS = {
    "-k": 1, "--key": 1, "--id": 1, "--plugin": 1, "--plugin-config": 1, "-u": 1,
    "--username": 1, "-p": 1, "--password": 1, "--signature-format": 1, "-e": 1, "--expiry": 1,
    "-m": 1, "--user-metadata": 1, "--timestamp-url": 1, "--timestamp-root-cert": 1,
}
_KEY_VARIABLES = ("COSIGN_KEY", "COSIGN_PRIVATE_KEY")


def _targets(item: CommandStep, references: list[str | None]) -> tuple[Target, ...] | None:
    """What the command names; None (anything in the linked jobs) when that is not known."""
    if not references or None in references:
        return None
    return targets_of([item.resolve(r) for r in references if r is not None], item.frame.steps_file)


def _scan(
    item: CommandStep, tool: str, blocking: bool, facts: JobFacts, references: list[str | None]
) -> None:
    blocking = blocking and fails_job(item.frame, item.command.guarded)
    scan = VulnScan(tool, item.line, blocking, item.frame.path)
    facts.scans.append(Guarded(scan, _targets(item, references)))


def _sbom(item: CommandStep, facts: JobFacts, references: list[str | None]) -> None:
    sbom = Provenance("sbom", item.line, item.frame.path)
    facts.provenances.append(Guarded(sbom, _targets(item, references)))


def _trivy(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    args = parse_arguments(words[1:], _TRIVY_OPTIONS)
    target = args.positionals[0] if args.positionals else ""
    output = trivy_output(target, item.resolve(args.last("--format", "-f") or "table"))
    # `trivy image REF`; from an archive (`--input`) or of anything else, what it reads is unknown.
    image = target in ("image", "i") and not args.has("--input", "-i")
    references = args.positionals[1:2] if image else []
    if output == "sbom":
        _sbom(item, facts, list(references))
    if output != "scan":
        return
    code = ascii_int(item.resolve(args.last("--exit-code") or "0"))
    _scan(item, "trivy", code is not None and code > 0, facts, list(references))


def _grype(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    args = parse_arguments(words[1:], _GRYPE_OPTIONS)
    if not args.positionals or args.positionals[0] in _GRYPE_OTHER:
        return
    source = source_reference(args.positionals[0])
    _scan(item, "grype", args.has("--fail-on", "-f"), facts, [source])


def _snyk(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    positionals = parse_arguments(words[1:], {}).positionals
    if positionals[:2] == ["container", "test"]:
        _scan(item, "snyk", True, facts, list(positionals[2:3]))


def _syft(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    positionals = parse_arguments(words[1:], {"-o": 1, "--output": 1}).positionals
    if positionals and positionals[0] not in _SYFT_OTHER:
        _sbom(item, facts, [source_reference(positionals[0])])


def _by_digest(item: CommandStep, references: list[str]) -> bool:
    return bool(references) and all(is_digest_reference(item.resolve(r)) for r in references)


def _sign(item: CommandStep, signing: Signing, facts: JobFacts, references: list[str]) -> None:
    facts.signings.append(Guarded(signing, _targets(item, list(references))))


def _cosign(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    args = parse_arguments(words[1:], _COSIGN_OPTIONS)
    if args.positionals[:1] != ["sign"]:
        return
    keyed = bool(args.last("--key", "-k")) or args.has("--sk") or any(
        item.variable(name) for name in _KEY_VARIABLES
    )
    references = args.positionals[1:]
    mode: Literal["key", "keyless"] = "key" if keyed else "keyless"
    signing = Signing("cosign", mode, _by_digest(item, references), item.line, item.frame.path)
    _sign(item, signing, facts, references)


def _notation(item: CommandStep, words: list[str], state: JobState, facts: JobFacts) -> None:
    args = parse_arguments(words[1:], _NOTATION_OPTIONS)
    if args.positionals[:1] != ["sign"]:
        return
    references = args.positionals[1:]
    signing = Signing("notation", "key", _by_digest(item, references), item.line, item.frame.path)
    _sign(item, signing, facts, references)


CHECK_COMMANDS: dict[str, CommandRecogniser] = {
    "trivy": _trivy,
    "grype": _grype,
    "snyk": _snyk,
    "syft": _syft,
    "cosign": _cosign,
    "notation": _notation,
}
