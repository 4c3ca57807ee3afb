"""Generate, deterministically, a large git repository around the seed's runner dashboard.

    python bench/make_large_repo.py DEST [--seed N]

2,000 workflow files, 10,000 Markdown files, 1,000 `.tf` files (counting the seed's own), 50,000
other generated files, the seed's files (so `runner-dashboard` is still the inferable artifact),
a larger `flake.nix` and CODEOWNERS; all in one commit with a fixed identity and date, so the same
seed gives the same commit id.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from gen_docs import generate_docs
from gen_infra import codeowners, flake_nix, generate_stacks
from gen_source import generate_sources
from gen_workflows import generate_workflows
from vocab import service_catalogue

from wizard.sample import SEED_FILES

WORKFLOWS = 2_000
MARKDOWN = 10_000
TF_FILES = 1_000
OTHER = 50_000
COMMIT_DATE = "2026-04-16T12:00:00+00:00"


def category(path: str) -> str:
    if path.startswith(".github/workflows/") and path.count("/") == 2 and path.endswith(
        (".yml", ".yaml")
    ):
        return "workflows"
    if path.endswith((".md", ".markdown")):
        return "markdown"
    if path.endswith(".tf"):
        return "tf"
    return "other"


def repository_files(seed: int) -> dict[str, str]:
    """Every file of the generated repository, path -> text."""
    seed_counts = Counter(category(p) for p in SEED_FILES)
    services = service_catalogue(seed)
    files: dict[str, str] = {}
    files.update(generate_workflows(seed, services, WORKFLOWS - seed_counts["workflows"]))
    files.update(generate_stacks(seed, services, TF_FILES - seed_counts["tf"]))
    files.update(generate_docs(seed, services, MARKDOWN - seed_counts["markdown"]))
    generated_other = sum(category(p) == "other" for p in files)
    files.update(generate_sources(seed, services, OTHER - generated_other))
    files.update(SEED_FILES)
    files["flake.nix"] = flake_nix()
    files[".github/CODEOWNERS"] = codeowners(services)
    return files


def _write(target: Path, text: str) -> None:
    target.write_text(text, encoding="utf-8")
    if text.startswith("#!"):
        target.chmod(0o755)


def write_files(dest: Path, files: dict[str, str]) -> None:
    for directory in sorted({(dest / rel).parent for rel in files}):
        directory.mkdir(parents=True, exist_ok=True)
    # File creation here waits on the disk, not the CPU: threads write four times faster.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(_write, dest / rel, text) for rel, text in files.items()]:
            future.result()


def commit_all(dest: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench Generator",
        "GIT_AUTHOR_EMAIL": "bench@release-gate.invalid",
        "GIT_COMMITTER_NAME": "Bench Generator",
        "GIT_COMMITTER_EMAIL": "bench@release-gate.invalid",
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_COMMITTER_DATE": COMMIT_DATE,
        "GIT_TERMINAL_PROMPT": "0",
    }
    git = ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["commit", "-q", "-m", "Generated monorepo for the scale benchmark"],
                 # Packed, as a clone would be: 60,000 loose objects take ten times the disk.
                 ["repack", "-a", "-d", "-q", "--window=0"], ["prune-packed"],
                 # Files written in the index's own second are "racily clean" and make every
                 # `git status` re-read them; rewriting the index now settles that, as in a
                 # clone that has been sitting for a while.
                 ["update-index", "-q", "--really-refresh"]):
        subprocess.run([*git, *args], cwd=dest, env=env, check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], cwd=dest, env=env, check=True,
                          capture_output=True, text=True)
    return head.stdout.strip()


def build_large_repo(dest: Path, seed: int = 0) -> dict[str, int]:
    """Generate the repository into `dest` (new or empty); returns file counts per category."""
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty; give an empty or new directory")
    dest.mkdir(parents=True, exist_ok=True)
    files = repository_files(seed)
    write_files(dest, files)
    commit_all(dest)
    return dict(sorted(Counter(category(p) for p in files).items()))


@contextmanager
def large_repo(path: Path | None, keep: bool = False, seed: int = 0) -> Iterator[Path]:
    """`path` as given (an existing repository), or a freshly generated one in a temp dir that
    is removed afterwards unless `keep`."""
    if path is not None:
        if not (path / ".git").exists():
            raise SystemExit(f"{path} is not a generated repository; run make_large_repo.py first")
        yield path
        return
    dest = Path(tempfile.mkdtemp(prefix="release-gate-bench-"))
    print(f"generating the repository in {dest} ...", file=sys.stderr)
    # In a child process: the generated text would otherwise stay in this process, and every
    # command measured later inherits its parent's resident size in its peak RSS (ru_maxrss is
    # taken over the forked image before exec).
    subprocess.run([sys.executable, __file__, str(dest), "--seed", str(seed)], check=True)
    try:
        yield dest
    finally:
        if keep:
            print(f"kept {dest}", file=sys.stderr)
        else:
            shutil.rmtree(dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip())
    parser.add_argument("dest", type=Path, help="new or empty directory")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = build_large_repo(args.dest, args.seed)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    print(f"{args.dest}: {summary} ({sum(counts.values()):,} files) in {elapsed:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
