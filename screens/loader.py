"""Build a `Review`: scan, spec, evaluation of every candidate, git identity, signing
configuration and the saved draft. Runs in the scan's child process (`screens.scan_process`),
so the heavy core (every scanner and check) is imported there and not by the UI."""

from __future__ import annotations

from pathlib import Path

from screens.review import Resume, Review
from wizard.config import Config
from wizard.draft import DraftError, load_draft, verdict_changes
from wizard.gates.engine import evaluate, load_spec
from wizard.record.answers import git_identity
from wizard.scan.repository import Progress, scan_repository
from wizard.signing import SigningConfig, SigningError, signing_config


def load_review(
    path: str,
    artifact: str | None,
    progress: Progress,
) -> Review:
    """Scan and evaluate; raises what `scan_repository` and `load_spec` raise for the whole run."""
    scan = scan_repository(path, artifact=artifact, progress=progress)
    config = scan.config or Config()
    spec = load_spec(config)
    evaluations = {e.candidate: e for e in evaluate(scan, config, spec)}
    root = Path(scan.repo.root)
    try:
        signing: SigningConfig | None = signing_config(root)
        signing_problem = None
    except SigningError as exc:
        signing, signing_problem = None, str(exc)
    review = Review(
        scan=scan,
        config=config,
        spec=spec,
        evaluations=evaluations,
        identity=git_identity(root),
        signing=signing,
        signing_problem=signing_problem,
    )
    try:
        saved = load_draft(scan.repo.root)
    except DraftError as exc:
        review.draft_problem = str(exc)
    else:
        if saved is not None:
            review.resume = Resume(
                saved,
                head_moved=saved.head != scan.repo.head,
                changes=verdict_changes(saved, evaluations[saved.candidate]),
            )
    return review
