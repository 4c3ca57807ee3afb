"""Every hostile case through `scan`, `gates` and `check`: a problem naming the file and the
reason (or one error line for the whole run), the seed's facts still found, bounded time, and
no terminal control character in what is printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import Corpus
from tests.hostile.corpus import CASE_NAMES, CASES, Case
from wizard.cli import main
from wizard.text import printable

# Generous: the slowest case takes about 1 s here; the bound only has to catch a hang.
TIME_LIMIT = 20.0
COMMANDS = (("scan", "--json"), ("scan",), ("gates",), ("check",))
# C0 controls but tab and newline, DEL, C1 controls (CSI 0x9b among them), bidi controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# One case per family run as a real process (the worst of each where there is a choice).
FAMILY_CASES = {
    "yaml": "yaml-alias-bomb",
    "size": "huge-workflow",
    "encoding": "undecodable-names",
    "filesystem": "symlinks-out",
    "growth": "doubling-values",
    "syntax": "nix-deep",
    "markup": "markup",
    "repository": "not-git",
    "config": "config-alias-bomb",
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    return code, out, err, elapsed


def _keys(items: list[dict[str, Any]], *fields: str) -> set[tuple[Any, ...]]:
    return {tuple(item[f] for f in fields) for item in items}


def _assert_seed_facts_found(item: Case, facts: dict[str, Any], seed: dict[str, Any]) -> None:
    assert facts["artifact"] == "runner-dashboard"
    assert facts["authority"]["current"] == item.authority
    publications = _keys(facts["publications"], "workflow", "job", "line", "artifact_match")
    assert _keys(seed["publications"], "workflow", "job", "line", "artifact_match") <= publications
    assert _keys(seed["deployments"], "file", "line", "variable") <= _keys(
        facts["deployments"], "file", "line", "variable"
    )
    # Mentions of flake packages need the flake's package names.
    seed_docs = [d for d in seed["docs"]
                 if "flake" not in item.lost or d["mentions"] == "registry-image"]
    assert _keys(seed_docs, "path", "line", "mentions") <= _keys(
        facts["docs"], "path", "line", "mentions"
    )
    rules = [(r["pattern"], r["owners"]) for r in facts["owners"]["rules"]]
    if "owners" in item.lost:
        assert facts["owners"]["file"] is None and rules == []
    else:
        assert rules == [(r["pattern"], r["owners"]) for r in seed["owners"]["rules"]]
    packages = [p["name"] for p in facts["flake"]["packages"]]
    if "flake" in item.lost:
        assert facts["flake"]["path"] is None and packages == []
    else:
        assert {p["name"] for p in seed["flake"]["packages"]} <= set(packages)


def _assert_problems(item: Case, problems: list[dict[str, Any]]) -> None:
    for path, fragment in item.problems:
        assert any(p["path"] == path and fragment in p["message"] for p in problems), (
            f"no problem for {path!r} saying {fragment!r} in {problems}"
        )
    for problem in problems:
        message = problem["message"]
        assert message and "\n" not in message and "Traceback" not in message
        assert problem["line"] is None or problem["line"] >= 1


@pytest.mark.parametrize("name", CASE_NAMES)
def test_scan_gates_and_check_stay_clean(
    name: str, corpus: Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    item, repo = corpus.case(name)
    runs = {command: _run([*command, str(repo)], capsys) for command in COMMANDS}
    for command, (code, out, err, elapsed) in runs.items():
        assert elapsed < TIME_LIMIT, f"{' '.join(command)} took {elapsed:.1f} s"
        if item.error is not None:
            assert (code, out) == (2, "")
            assert err.startswith("release-gate: ") and err.count("\n") == 1
            assert item.error in err
            continue
        assert (code, err) == (0, "")
        if command != ("scan", "--json"):
            assert not _CONTROL.findall(out)
    if item.error is not None:
        return
    facts = json.loads(runs[("scan", "--json")][1])
    _assert_problems(item, facts["problems"])
    _assert_seed_facts_found(item, facts, corpus.seed_facts())
    report = runs[("scan",)][1]
    for text in item.literal:
        assert text in report
    for problem in facts["problems"]:
        assert f"  {printable(problem['path'], single_line=True)}" in report
    assert "release-gate check passed for runner-dashboard (dockerfile-image" in runs[("check",)][1]


def test_repository_states_are_reported(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    states = {}
    for name in ("empty-repository", "detached-head", "shallow-clone", "submodules"):
        assert main(["scan", "--json", str(corpus.repo(name))]) == 0
        states[name] = json.loads(capsys.readouterr().out)
    assert states["empty-repository"]["repo"]["head"] is None
    detached = states["detached-head"]["repo"]
    assert detached["branch"] is None and len(detached["head"]) == 40
    assert states["shallow-clone"]["repo"]["shallow"] is True
    # The vendored copy publishes the same image, but a submodule is another repository.
    assert not any(
        p["workflow"].startswith("vendor/") or "vendor/" in (p["via"] or "")
        for p in states["submodules"]["publications"]
    )
    assert not any(d["path"].startswith("vendor/") for d in states["submodules"]["docs"])


def _documented_exit_codes(item: Case) -> set[int]:
    return {2} if item.error is not None else {0}


@pytest.mark.parametrize("family", sorted(FAMILY_CASES))
def test_each_family_in_a_real_process_prints_no_traceback(
    family: str, corpus: Corpus, tmp_path: Path
) -> None:
    item, repo = corpus.case(FAMILY_CASES[family])
    assert item.family == family
    # Strict UTF-8 output, as most desktop locales give; C.UTF-8 would hide encoding errors.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for command in ("scan", "gates", "check"):
        proc = subprocess.run(
            [sys.executable, "-m", "wizard.cli", command, str(repo)],
            capture_output=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        stderr = proc.stderr.decode("utf-8")
        assert "Traceback" not in stderr
        assert proc.returncode in _documented_exit_codes(item), stderr
        if item.error is not None:
            assert stderr.startswith("release-gate: ") and stderr.count("\n") == 1
        else:
            assert stderr == ""
            proc.stdout.decode("utf-8")


def test_every_family_has_a_process_run() -> None:
    assert set(FAMILY_CASES) == {c.family for c in CASES}
