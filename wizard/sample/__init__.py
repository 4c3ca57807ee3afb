"""A sample repository reproducing the seed note's state, for `release-gate demo` and the tests."""

from wizard.sample.build import SEED_FILES, build_seed_repo, commit_files, init_repo

__all__ = ["SEED_FILES", "build_seed_repo", "commit_files", "init_repo"]
