"""`release-gate check`: CI fails when the release surface differs from what the newest valid
decision record authorises, or when a second surface appears and no record authorises it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wizard.authority import is_release_surface, surface_of
from wizard.config import CONFIG_FILE, Config, load_config_text
from wizard.facts import Publication, ScanResult
from wizard.record.lookup import authorised_surfaces, find_authorising
from wizard.record.verify import Trust, VerifyResult, default_trust
from wizard.repo import Repo, RepoError, run_git
from wizard.scan import scan_repository

Level = Literal["error", "warning", "notice"]
_SINGLE = ("dockerfile-image", "nix-image", "nix-derivation")


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str
    path: str | None = None
    line: int | None = None


@dataclass
class CheckResult:
    artifact: str | None
    authority: str
    record: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        levels = {f.level for f in self.findings}
        return "error" in levels or (strict and "warning" in levels)


def _show(repo: Repo, ref: str, path: str) -> str | None:
    """A file's text at `ref`, or None when it does not exist there."""
    out = run_git(repo.root, "ls-tree", "--name-only", ref, "--", path, check=False)
    if path not in out.splitlines():
        return None
    return run_git(repo.root, "show", f"{ref}:{path}")


def base_trust(repo: Repo, base_ref: str, workdir: Path) -> Trust:
    """Signer keys and record policy as the protected base branch has them, so a change under
    test cannot add its own signer or lower the threshold."""
    if not run_git(
        repo.root, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}", check=False
    ).strip():
        raise RepoError(f"--base-ref {base_ref} is not a commit in {repo.root}")
    base_text = _show(repo, base_ref, CONFIG_FILE)
    base_config = load_config_text(base_text) if base_text is not None else Config()
    files: dict[str, Path | None] = {}
    for name, rel in (
        ("signers", base_config.allowed_signers),
        ("keyring", base_config.openpgp_keyring),
    ):
        text = _show(repo, base_ref, rel)
        if text is None:
            files[name] = None
            continue
        target = workdir / name
        target.write_text(text, encoding="utf-8")
        files[name] = target
    return Trust(files["signers"], files["keyring"], base_config.namespace, base_config.threshold)


def _same_publication(recorded: dict[str, Any], pub: Publication) -> bool:
    return (
        recorded.get("workflow") == pub.workflow
        and recorded.get("job") == pub.job
        and recorded.get("surface") == surface_of(pub)
        and recorded.get("image") == (pub.image_resolved or pub.image)
    )


def _regressions(recorded: dict[str, Any], pub: Publication, record_id: str) -> list[Finding]:
    found = []
    where = f"{pub.workflow} ({pub.job})"
    scan = recorded.get("vulnScan")
    if scan and pub.vuln_scan is None:
        found.append(f"{scan.get('tool')} vulnerability scanning was removed from {where}")
    elif scan and scan.get("blocking") and pub.vuln_scan and not pub.vuln_scan.blocking:
        found.append(f"{pub.vuln_scan.tool} in {where} no longer blocks the release")
    signing = recorded.get("signing")
    if signing and pub.signing is None:
        found.append(f"{signing.get('tool')} signing was removed from {where}")
    elif signing and signing.get("byDigest") and pub.signing and not pub.signing.by_digest:
        found.append(f"{pub.signing.tool} in {where} now signs by tag instead of by digest")
    provenance = recorded.get("provenance")
    if provenance and pub.provenance is None:
        found.append(f"{provenance.get('kind')} provenance was removed from {where}")
    return [
        Finding("error", f"security regression since {record_id}: {text}", pub.path, pub.line)
        for text in found
    ]


def compare(scan: ScanResult, verified: VerifyResult, record_id: str) -> list[Finding]:
    predicate = (verified.statement or {}).get("predicate", {})
    allowed = authorised_surfaces(predicate)
    surfaces = [p for p in scan.publications if is_release_surface(p)]
    findings = []
    for pub in surfaces:
        surface = surface_of(pub)
        if surface not in allowed:
            findings.append(
                Finding(
                    "error",
                    f"{pub.workflow} publishes {scan.artifact} as {surface} "
                    f"({pub.image_resolved or pub.image}), which {record_id} does not authorise "
                    f"(it authorises {', '.join(sorted(allowed))})",
                    pub.path,
                    pub.line,
                )
            )
    for recorded in predicate.get("releaseSurface", []):
        if recorded.get("surface") not in allowed:
            continue
        match = next((p for p in surfaces if _same_publication(recorded, p)), None)
        if match is None:
            findings.append(
                Finding(
                    "warning",
                    f"{recorded.get('workflow')} ({recorded.get('job')}) no longer "
                    f"publishes {recorded.get('image')} as it did for {record_id}",
                    recorded.get("path"),
                    recorded.get("line"),
                )
            )
        else:
            findings.extend(_regressions(recorded, match, record_id))
    for item in verified.drift:
        level: Level = "notice" if item.holds else "warning"
        findings.append(
            Finding(
                level,
                f"evidence of {record_id}: {item.describe()}",
                item.path,
                item.now_line or item.line,
            )
        )
    return findings


def run_check(
    repo_path: str | Path,
    artifact: str | None = None,
    allowed_signers: Path | None = None,
    base_ref: str | None = None,
) -> CheckResult:
    scan = scan_repository(repo_path, artifact=artifact)
    repo = Repo(repo_path)
    config = scan.config or Config()
    result = CheckResult(scan.artifact, scan.authority.current)
    with tempfile.TemporaryDirectory(prefix="release-gate-check-") as workdir:
        if base_ref is not None and allowed_signers is None:
            trust = base_trust(repo, base_ref, Path(workdir))
        else:
            trust = default_trust(repo, config, allowed_signers)
        lookup = find_authorising(repo, config.records_dir, scan.artifact, trust)
    for rejected in lookup.rejected:
        where = f" (signers from {base_ref})" if base_ref else ""
        result.findings.append(
            Finding(
                "error",
                f"{rejected.files.record_id} is invalid: {rejected.verified.failure}{where}",
                _rel(repo, rejected.files.envelope),
            )
        )
    if lookup.authorising is None:
        result.findings.extend(_without_record(scan, lookup.examined > 0))
        return result
    result.record = _rel(repo, lookup.authorising.files.envelope)
    result.findings.extend(
        compare(scan, lookup.authorising.verified, lookup.authorising.files.record_id)
    )
    return result


def _without_record(scan: ScanResult, had_records: bool) -> list[Finding]:
    current = scan.authority.current
    if current in _SINGLE or current == "none":
        if had_records:
            return []
        return [
            Finding(
                "notice",
                f"no decision record; {scan.artifact or 'the artifact'} has a "
                f"single release authority ({current})",
            )
        ]
    surfaces = [p for p in scan.publications if is_release_surface(p)]
    kinds = sorted({surface_of(p) for p in surfaces})
    second = next(p for p in surfaces if surface_of(p) == kinds[-1])
    return [
        Finding(
            "error",
            f"{scan.artifact} is published through {len(kinds)} surfaces "
            f"({', '.join(kinds)}) and no valid decision record authorises that; "
            f"{second.workflow} publishes "
            f"{second.image_resolved or second.image} as {surface_of(second)}",
            second.path,
            second.line,
        )
    ]


def _rel(repo: Repo, path: Path) -> str:
    try:
        return str(path.relative_to(repo.root))
    except ValueError:
        return str(path)
