"""The protected base branch in CI: its signers, record policy, records and release authority.

A pull request must not be able to add its own signer, lower the threshold, move or drop the
records, or rename the artifact out of the check, so all of these are read from `--base-ref`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from wizard.check.findings import Finding
from wizard.config import CONFIG_FILE, Config, load_config_text
from wizard.facts import ScanResult
from wizard.record.store import ENVELOPE_SUFFIX
from wizard.record.verify import Trust
from wizard.repo import Repo, RepoError, run_git
from wizard.scan.repository import scan_repository


def show(repo: Repo, ref: str, path: str) -> str | None:
    """A file's text at `ref`, or None when it does not exist there."""
    if path not in repo.blobs_at([path], ref):
        return None
    return run_git(repo.root, "show", f"{ref}:{path}")


@dataclass
class BaseBranch:
    ref: str
    config: Config
    scan: ScanResult
    signers: Path | None
    keyring: Path | None

    def trust(self, allowed_signers: Path | None) -> Trust:
        return Trust(allowed_signers or self.signers, None if allowed_signers else self.keyring,
                     self.config.namespace, self.config.threshold)


def _scan_at(repo: Repo, ref: str, workdir: Path, artifact: str | None) -> ScanResult:
    """Scan a detached worktree of `ref` (hooks off, as for every git call), removed afterwards."""
    tree = workdir / "base"
    run_git(repo.root, "worktree", "add", "--detach", "--quiet", str(tree), ref)
    try:
        return scan_repository(tree, artifact=artifact)
    finally:
        with contextlib.suppress(RepoError):
            run_git(repo.root, "worktree", "remove", "--force", str(tree))


def load_base(repo: Repo, ref: str, workdir: Path, artifact: str | None) -> BaseBranch:
    commit = run_git(repo.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
                     check=False).strip()
    if not commit:
        raise RepoError(f"--base-ref {ref} is not a commit in {repo.root}")
    text = show(repo, commit, CONFIG_FILE)
    config = load_config_text(text) if text is not None else Config()
    files: dict[str, Path | None] = {}
    for name, rel in (("signers", config.allowed_signers), ("keyring", config.openpgp_keyring)):
        content = show(repo, commit, rel)
        if content is None:
            files[name] = None
            continue
        target = workdir / name
        target.write_text(content, encoding="utf-8")
        files[name] = target
    return BaseBranch(ref, config, _scan_at(repo, commit, workdir, artifact),
                      files["signers"], files["keyring"])


def record_integrity(repo: Repo, base: BaseBranch) -> list[Finding]:
    """Records on the base branch stay as they are: their Markdown unchanged and their
    attestation present (co-signers may add signatures to it)."""
    directory = base.config.records_dir.rstrip("/")
    listing = run_git(repo.root, "--literal-pathspecs", "ls-tree", "-r", "--name-only", "-z",
                      base.ref, "--", directory)
    paths = [p for p in listing.split("\0") if p]
    envelopes = {p for p in paths if p.endswith(ENVELOPE_SUFFIX)}
    markdowns = [p for p in paths if p.endswith(".md")
                 and p[: -len(".md")] + ENVELOPE_SUFFIX in envelopes]
    if not markdowns:
        return []
    at_base = repo.blobs_at(markdowns, base.ref)
    at_head = repo.blobs_at(markdowns + sorted(envelopes))
    findings = []
    for markdown in markdowns:
        envelope = markdown[: -len(".md")] + ENVELOPE_SUFFIX
        if markdown not in at_head or envelope not in at_head:
            findings.append(Finding("error", f"{markdown} is a decision record on {base.ref} and "
                                    "was removed; records are never deleted", markdown))
        elif at_head[markdown] != at_base.get(markdown):
            findings.append(Finding("error", f"{markdown} is a decision record on {base.ref} and "
                                    "was modified; records are never rewritten", markdown))
    return findings
