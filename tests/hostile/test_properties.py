"""Property-based tests: the YAML reader only ever raises YamlProblem, the workflow reader turns any
text into problems (never an exception), and the tree-sitter grammars survive any text, the latter
in a child process because a crash there would take the test runner down with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import context_for
from wizard.facts import Problem
from wizard.sample import commit_files, init_repo
from wizard.scan.workflows import scan_workflows
from wizard.yamlsafe import YamlDocument, YamlProblem, YMap, YSeq, YStr, load_yaml

# Every code point, lone surrogates included: `git show` output can carry them.
_ANY_CHARACTER = st.characters(exclude_categories=())
_YAML_TOKENS = [
    "on", "jobs", "steps", "run", "uses", "with", "env", "needs", "matrix", "a", "b", ": ", ":",
    "\n", "\n  ", "\n    ", "- ", "-", "[", "]", "{", "}", ", ", "&x ", "*x", "&y ", "*y", "<<: ",
    "!!str ", "!!map ", "!t ", "|", "|-", ">", "'", '"', "#", "---\n", "...\n", "? ", "\t",
    "%YAML 1.2\n", "\\", "${{ env.a }}", "docker push ghcr.io/a/b:1", "./s.sh", "\u202e",
    "\x1b[31m", "\ufeff", "\x85", "\u2028", "é",
]
_YAML_SOUP = st.lists(
    st.one_of(st.sampled_from(_YAML_TOKENS), st.sampled_from(_YAML_TOKENS), _ANY_CHARACTER),
    max_size=80,
).map("".join)


def _well_formed(document: YamlDocument) -> None:
    """Every container and scalar carries a 1-based line; keys and items line up with lines."""
    seen: set[int] = set()
    stack: list[Any] = [document.root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            assert node.line >= 1 and set(node.key_lines) == set(node)
            assert all(isinstance(k, str) for k in node)
            stack.extend(node.values())
        elif isinstance(node, YSeq):
            assert node.line >= 1 and len(node.item_lines) == len(node)
            stack.extend(node)
        elif isinstance(node, YStr):
            assert node.line >= 1
        else:
            assert node is None or isinstance(node, bool)
    assert all(line >= 1 for _, line in document.duplicates)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_YAML_SOUP, st.text(_ANY_CHARACTER, max_size=200)))
def test_load_yaml_only_raises_yaml_problem(text: str) -> None:
    try:
        document = load_yaml(text)
    except YamlProblem as problem:
        assert problem.message and "\n" not in problem.message.strip()
        assert problem.line is None or problem.line >= 1
    else:
        _well_formed(document)


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed repository whose workflow, action and script each example rewrites."""
    repo = init_repo(tmp_path_factory.mktemp("workflow-fuzz"))
    paths = [".github/workflows/any.yml", ".github/actions/a/action.yml", "s.sh"]
    commit_files(repo, dict.fromkeys(paths, ""), "fuzz fixture")
    return repo


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=_YAML_SOUP, action=_YAML_SOUP, script=st.text(_ANY_CHARACTER, max_size=80))
def test_workflow_reader_turns_any_text_into_problems(
    fuzz_repo: Path, workflow: str, action: str, script: str
) -> None:
    for rel, text in ((".github/workflows/any.yml", workflow),
                      (".github/actions/a/action.yml", f"runs:\n  using: composite\n{action}"),
                      ("s.sh", script)):
        # Lone surrogates become bytes that are not UTF-8, as a hostile file would hold.
        (fuzz_repo / rel).write_bytes(text.encode("utf-8", "surrogatepass"))
    ctx = context_for(fuzz_repo)
    result = scan_workflows(ctx)
    assert all(isinstance(p, Problem) and p.path in ctx.file_set for p in ctx.problems)
    assert all(p.message and "\n" not in p.message for p in ctx.problems)
    assert all(p.line >= 1 and p.path in ctx.file_set for p in result.publications)


@pytest.mark.parametrize("grammar", ["shell", "nix", "make"])
def test_tree_sitter_grammars_survive_any_text(grammar: str, tmp_path: Path) -> None:
    last_input = tmp_path / "last-input.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.hostile.native_fuzz", grammar, "300", str(last_input)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=300,
    )
    crashed_on = last_input.read_text(encoding="utf-8") if last_input.exists() else "?"
    assert proc.returncode == 0, (
        f"exit {proc.returncode} on {crashed_on}\n{proc.stderr.decode('utf-8', 'replace')[-3000:]}"
    )
    assert proc.stdout == b"ok\n"
