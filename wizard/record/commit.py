"""Commit a new record with a signed git commit (GitPython), using git's own signing config."""

from __future__ import annotations

import contextlib
from pathlib import Path

from wizard.record.errors import CommitError
from wizard.repo import git_environment


def commit_record(root: Path, paths: list[Path], record_id: str, title: str) -> str:
    """Stage and commit exactly `paths` with `git commit -S`; return the new commit id."""
    # GitPython costs ~0.1 s to import; only `--commit` needs it, so the wizard and CI do not pay.
    import git

    repo = git.Repo(root)
    # The same safe settings as every other git call (`git add` runs clean filters, fsmonitor),
    # but with the maintainer's hooks: this is their commit.
    repo.git.update_environment(**git_environment(root, hooks=True))
    relative = [str(p.relative_to(root)) for p in paths]
    try:
        repo.git.add("--", *relative)
        repo.git.commit("-S", "-m", f"{record_id}: {title}", "--", *relative)
    except git.GitCommandError as exc:
        lines = str(exc.stderr or exc).strip().splitlines()
        detail = lines[-1].strip().strip("'") if lines else "git commit failed"
        with contextlib.suppress(git.GitCommandError):
            repo.git.reset("-q", "--", *relative)
        raise CommitError(f"could not commit the record: {detail}") from None
    return str(repo.head.commit.hexsha)
