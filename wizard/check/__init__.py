"""`release-gate check`: CI fails when the release surface differs from what the newest valid
decision record authorises, or when a second surface appears and no record authorises it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from wizard.check.base import load_base, record_integrity
from wizard.check.compare import compare, unread_inputs, without_record
from wizard.check.findings import CheckResult, Finding
from wizard.record.lookup import find_authorising
from wizard.record.verify import default_trust
from wizard.repo import Repo
from wizard.scan.repository import scan_repository

__all__ = ["CheckResult", "Finding", "run_check"]


def run_check(
    repo_path: str | Path,
    artifact: str | None = None,
    allowed_signers: Path | None = None,
    base_ref: str | None = None,
) -> CheckResult:
    repo = Repo(repo_path)
    with tempfile.TemporaryDirectory(prefix="release-gate-check-") as workdir:
        base = load_base(repo, base_ref, Path(workdir), artifact) if base_ref else None
        scan = scan_repository(repo_path, artifact=artifact or (base.scan.artifact if base
                                                                 else None))
        config = base.config if base else scan.config
        assert config is not None
        trust = base.trust(allowed_signers) if base else default_trust(repo, config,
                                                                       allowed_signers)
        result = CheckResult(scan.artifact, scan.authority.current)
        if base:
            result.findings.extend(record_integrity(repo, base))
        lookup = find_authorising(repo, config.records_dir, scan.artifact, trust,
                                  trusted_ref=base_ref)
    for rejected in lookup.rejected:
        where = f" (signers from {base_ref})" if base_ref else ""
        result.findings.append(Finding(
            "error", f"{rejected.files.record_id} is invalid: {rejected.verified.failure}{where}",
            _relative(repo, rejected.files.envelope),
        ))
    result.findings.extend(unread_inputs(scan))
    if lookup.authorising is None:
        result.findings.extend(without_record(scan, lookup.examined > 0,
                                              base.scan if base else None, base_ref))
        return result
    result.record = _relative(repo, lookup.authorising.files.envelope)
    result.findings.extend(compare(scan, lookup.authorising.verified,
                                   lookup.authorising.files.record_id))
    return result


def _relative(repo: Repo, path: Path) -> str:
    try:
        return str(path.relative_to(repo.root))
    except ValueError:
        return str(path)
