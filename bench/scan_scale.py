"""Scale benchmark of `release-gate scan --json` next to `zizmor --offline` on the same tree.

    python bench/scan_scale.py [--repo PATH] [--runs 3] [--keep] [--profile N]

Without --repo the large repository is generated first (about a minute) in a temp dir. Each run
is a fresh process, so interpreter start and imports count. Then the same work is split into
imports, the scan's stages (from its `progress` callback) and the JSON output, again in fresh
processes; with --profile the N functions with the most own time (and the most cumulative time)
of one in-process scan are listed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

from make_large_repo import large_repo
from measure import TABLE_HEADER, machine, repeat, venv_tool


def scan_summary(run_stdout: bytes) -> str:
    data = json.loads(run_stdout)
    pubs = data["publications"]
    return (
        f"scan found: artifact {data['artifact']}, authority {data['authority']['current']}, "
        f"{len(pubs)} publications ({sum(p['artifact_match'] for p in pubs)} of the artifact) "
        f"in {len({p['workflow'] for p in pubs})} workflows, {len(data['docs'])} doc mentions, "
        f"{len(data['deployments'])} image inputs, {len(data['problems'])} problems"
    )


def zizmor_summary(run_stdout: bytes, run_stderr: bytes) -> str:
    findings = json.loads(run_stdout)
    audited = run_stderr.count(b"completed ")
    return f"zizmor found: {len(findings)} findings over {audited} audited files"


def stage_times(repo: Path) -> dict[str, float]:
    """Seconds per step of one `scan --json` in this (fresh) process: imports, each scan stage
    (from the `progress` callback) and the JSON output."""
    started = time.perf_counter()
    import wizard.cli  # noqa: F401  (the command line loads this before the scan)
    from wizard.report import scan_report  # noqa: F401  (and this, as `scan` does)
    from wizard.scan.repository import scan_repository

    imported = time.perf_counter()
    marks: list[tuple[str, float]] = []
    result = scan_repository(repo, progress=lambda stage, _fraction: marks.append(
        (stage, time.perf_counter())))
    scanned = time.perf_counter()
    json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    bounds = [("opening repository and config", imported), *marks, ("", scanned)]
    stages = {"imports": imported - started}
    for (name, start), (_, end) in pairwise(bounds):
        stages[name if name != "done" else "assembling the result"] = end - start
    stages["JSON output"] = time.perf_counter() - scanned
    return stages


def print_stage_split(repo: Path, runs: int) -> None:
    """The median of each step over `runs` fresh processes."""
    command = [sys.executable, __file__, "--stages-child", str(repo)]
    samples = [json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
               for _ in range(runs)]
    medians = {name: statistics.median(s[name] for s in samples) for name in samples[0]}
    total = sum(medians.values())
    print(f"\nscan --json by step, fresh process each, median of {runs} (sum {total:.2f} s):")
    for name, seconds in medians.items():
        print(f"  {name:<32} {seconds:>7.3f} s  {100 * seconds / total:>5.1f} %")


def print_profile(repo: Path, top: int) -> None:
    from wizard.scan.repository import scan_repository

    profiler = cProfile.Profile()
    profiler.enable()
    scan_repository(repo)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        print(f"\nprofile of one in-process scan, top {top} by {order}:")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats(order).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an already generated repository")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument("--profile", type=int, metavar="N", help="list the N hottest functions")
    parser.add_argument("--stages-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages_child:
        print(json.dumps(stage_times(args.stages_child)))
        return 0
    with large_repo(args.repo, args.keep) as repo:
        scan = repeat("release-gate scan --json", [venv_tool("release-gate"), "scan", "--json",
                                                   str(repo)], args.runs)
        zizmor = repeat("zizmor --offline --format json", [
            venv_tool("zizmor"), "--offline", "--format", "json", "--no-exit-codes", str(repo)
        ], args.runs)
        print(f"repository: {repo}; {machine()}")
        print(TABLE_HEADER)
        for summary in (scan, zizmor):
            print(summary.row())
        print(f"scan / zizmor wall time: {scan.median_seconds / zizmor.median_seconds:.2f}")
        print(scan_summary(scan.runs[0].stdout))
        print(zizmor_summary(zizmor.runs[0].stdout, zizmor.runs[0].stderr))
        print_stage_split(repo, args.runs)
        if args.profile:
            print_profile(repo, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
