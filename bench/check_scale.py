"""Time `release-gate check` on the large repository and prove it never imports Textual or Rich.

    python bench/check_scale.py [--repo PATH] [--runs 3] [--keep]

The generated repository has no decision record and a single authority (the Dockerfile image),
so `check` is expected to pass (exit 0). The import check runs the same command through
`wizard.cli.main` in a fresh interpreter and lists every `textual`/`rich` module left in
`sys.modules`; `-X importtime` gives the import cost of what `check` loads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from make_large_repo import large_repo
from measure import TABLE_HEADER, machine, repeat, venv_tool

_UI_PACKAGES = ("textual", "rich")

_IMPORT_PROBE = f"""
import contextlib, io, json, sys
from wizard.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["check", sys.argv[1]])
ui = sorted(m for m in sys.modules if m.split(".")[0] in {_UI_PACKAGES!r})
print(json.dumps({{"exit": status, "ui_modules": ui, "modules": len(sys.modules)}}))
"""


def import_probe(repo: Path) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", _IMPORT_PROBE, str(repo)],
                          capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def import_seconds(repo: Path) -> tuple[float, list[tuple[float, str]]]:
    """Total cumulative import time of the top-level imports of `check`, and the largest five."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wizard.cli", "check", str(repo)],
        capture_output=True, text=True, check=False,
    )
    top: list[tuple[float, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        # Top-level imports are not indented; nested ones are already in their parent's sum.
        if not line.split("|")[2].startswith("  "):
            top.append((int(cumulative) / 1e6, name))
    top.sort(reverse=True)
    return sum(seconds for seconds, _ in top), top[:5]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an already generated repository")
    parser.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args(argv)
    with large_repo(args.repo, args.keep) as repo:
        check = repeat("release-gate check", [venv_tool("release-gate"), "check", str(repo)],
                       args.runs)
        print(f"repository: {repo}; {machine()}")
        print(TABLE_HEADER)
        print(check.row())
        print("check said: " + check.runs[0].stdout.decode("utf-8", "replace").strip())
        probe = import_probe(repo)
        ui = probe["ui_modules"]
        print(f"modules loaded by check: {probe['modules']}; textual/rich among them: "
              f"{', '.join(map(str, ui)) if isinstance(ui, list) and ui else 'none'}")
        total, heaviest = import_seconds(repo)
        print(f"import time of check's top-level imports: {total:.3f} s; heaviest: "
              + ", ".join(f"{name} {seconds:.3f} s" for seconds, name in heaviest))
        if ui:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
