"""Every limit in wizard/limits.py: just under it the input is read, just over it the scan says so
in `problems` (never a silent skip); and the README lists each limit with its value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import wizard.limits
from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.facts import Problem
from wizard.limits import (
    MAX_FILE_BYTES,
    MAX_MARKDOWN_BYTES,
    MAX_MARKDOWN_NESTING,
    MAX_MATRIX_COMBINATIONS,
    MAX_NEEDS_WALK,
    MAX_NIX_DEPTH,
    MAX_NIX_STEPS,
    MAX_RESOLVED_CHARS,
    MAX_SCRIPT_BYTES,
    MAX_SCRIPT_DEPTH,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
)
from wizard.scan.docs import DocTerms, scan_docs
from wizard.scan.flake import scan_flake
from wizard.scan.repository import scan_repository
from wizard.scan.workflows import scan_workflows
from wizard.yamlsafe import YamlProblem, load_yaml

IMAGE = "ghcr.io/acme/app"
WORKFLOW = ".github/workflows/w.yml"
PUSH = "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n"


def _padded(text: str, size: int) -> str:
    """`text` followed by a comment line that brings it to exactly `size` bytes."""
    return text + "#" * (size - len(text.encode("utf-8")) - 1) + "\n"


def test_file_size_limit(make_repo: RepoFactory) -> None:
    workflow = PUSH + f"      - run: docker push {IMAGE}:1\n"
    repo = make_repo({".github/workflows/at.yml": _padded(workflow, MAX_FILE_BYTES),
                      ".github/workflows/over.yml": _padded(workflow, MAX_FILE_BYTES + 1)})
    result = scan_repository(repo)
    assert [p.workflow for p in result.publications] == [".github/workflows/at.yml"]
    assert result.problems == [
        Problem(".github/workflows/over.yml", None,
                f"{MAX_FILE_BYTES + 1} bytes is over the {MAX_FILE_BYTES} byte read limit; "
                "not read"),
    ]


def test_markdown_size_limit(make_repo: RepoFactory) -> None:
    page = f"# App\n\nPull `{IMAGE}:1`.\n\n"
    repo = make_repo({"docs/at.md": _padded(page, MAX_MARKDOWN_BYTES),
                      "docs/over.md": _padded(page, MAX_MARKDOWN_BYTES + 1)})
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, DocTerms(artifact="app", images=[IMAGE]))
    assert [(m.path, m.line) for m in mentions] == [("docs/at.md", 3)]
    assert ctx.problems == [
        Problem("docs/over.md", None, f"{MAX_MARKDOWN_BYTES + 1} bytes is over the "
                f"{MAX_MARKDOWN_BYTES} byte Markdown limit; not read"),
    ]


def test_markdown_nesting_limit(make_repo: RepoFactory) -> None:
    # A quote adds one level; the paragraph inside the deepest quote needs one more.
    at, over = MAX_MARKDOWN_NESTING - 1, MAX_MARKDOWN_NESTING
    repo = make_repo({"docs/at.md": f"{'> ' * at}`{IMAGE}:1`\n",
                      "docs/over.md": f"{'> ' * over}`{IMAGE}:1`\n"})
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, DocTerms(artifact="app", images=[IMAGE]))
    assert [m.path for m in mentions] == ["docs/at.md"]
    assert [(p.path, p.line) for p in ctx.problems] == [("docs/over.md", 1)]
    assert f"nested deeper than the parser's {MAX_MARKDOWN_NESTING} levels" in ctx.problems[0].message


def test_yaml_node_limit(make_repo: RepoFactory) -> None:
    # A flow sequence of n scalars is n + 1 nodes.
    assert len(load_yaml("[" + "a, " * (MAX_YAML_NODES - 1) + "]").root) == MAX_YAML_NODES - 1
    with pytest.raises(YamlProblem, match=f"more than {MAX_YAML_NODES} nodes"):
        load_yaml("[" + "a, " * MAX_YAML_NODES + "]")
    repo = make_repo({WORKFLOW: "on: push\nlots: [" + "a, " * MAX_YAML_NODES + "]\n"})
    ctx = context_for(repo)
    scan_workflows(ctx)
    assert ctx.problems == [
        Problem(WORKFLOW, 2, f"document has more than {MAX_YAML_NODES} nodes; not read")
    ]


def test_yaml_depth_limit(make_repo: RepoFactory) -> None:
    def nested(depth: int) -> str:
        return "{a: " * depth + "b" + "}" * depth

    load_yaml(nested(MAX_YAML_DEPTH))
    repo = make_repo({WORKFLOW: f"on: push\njobs: {nested(MAX_YAML_DEPTH)}\n"})
    ctx = context_for(repo)
    scan_workflows(ctx)
    assert ctx.problems == [Problem(WORKFLOW, 2, f"nesting deeper than {MAX_YAML_DEPTH} levels")]


def _script_chain(length: int) -> dict[str, str]:
    """A workflow running s1.sh, which runs s2.sh, … down to the script that pushes."""
    files = {WORKFLOW: PUSH + "      - uses: actions/checkout@v4\n      - run: ./s1.sh\n"}
    for level in range(1, length):
        files[f"s{level}.sh"] = f"./s{level + 1}.sh\n"
    files[f"s{length}.sh"] = f"docker push {IMAGE}:1\n"
    return files


def test_script_depth_limit(make_repo: RepoFactory) -> None:
    ctx = context_for(make_repo(_script_chain(MAX_SCRIPT_DEPTH)))
    assert [p.path for p in scan_workflows(ctx).publications] == [f"s{MAX_SCRIPT_DEPTH}.sh"]
    assert ctx.problems == []

    ctx = context_for(make_repo(_script_chain(MAX_SCRIPT_DEPTH + 1)))
    assert scan_workflows(ctx).publications == []
    assert ctx.problems == [
        Problem(f"s{MAX_SCRIPT_DEPTH}.sh", 1,
                f"`s{MAX_SCRIPT_DEPTH + 1}.sh` is not followed: it is more than {MAX_SCRIPT_DEPTH}"
                " levels of local actions, reusable workflows, scripts and make calls deep"),
    ]


def test_script_bytes_limit(make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # At full size (16 MiB of shell, each read putting every command in the job) this takes
    # ~5 s here, so the budget is lowered to what the push and three reads of the script use.
    push, script = f"docker push {IMAGE}:1", "cd ./app\n" * 100
    budget = len(push) + 3 * len(script)
    monkeypatch.setattr("wizard.scan.indirection.MAX_SCRIPT_BYTES", budget)
    body = "".join(f"          {line}\n" for line in script.splitlines())
    workflow = (PUSH + f"      - run: {push}\n      - &build\n        run: |\n" + body
                + "      - *build\n" * 3)
    ctx = context_for(make_repo({WORKFLOW: workflow}))
    assert [p.image for p in scan_workflows(ctx).publications] == [IMAGE]
    assert ctx.problems == [
        Problem(WORKFLOW, 8, f"shell script not read: the scan already read {budget} of the "
                f"{budget} bytes of shell it reads at most"),
    ]
    assert MAX_SCRIPT_BYTES == 16 * 1024 * 1024


def _flake(parentheses: int) -> str:
    return ("{\n  outputs = { self }:\n    " + "(" * parentheses
            + "{ packages.x86_64-linux.app = self; }" + ")" * parentheses + ";\n}\n")


def test_nix_depth_limit(make_repo: RepoFactory) -> None:
    # The outputs function is one level; each pair of parentheses another.
    ctx = context_for(make_repo({"flake.nix": _flake(MAX_NIX_DEPTH - 2)}))
    assert [p.name for p in scan_flake(ctx).packages] == ["app"]
    assert ctx.problems == []

    ctx = context_for(make_repo({"flake.nix": _flake(MAX_NIX_DEPTH)}))
    assert scan_flake(ctx).packages == []
    assert ctx.problems == [
        Problem("flake.nix", 3,
                f"nesting deeper than {MAX_NIX_DEPTH} levels; packages below it are not read")
    ]


def _balanced_merges(levels: int) -> str:
    """`(({ } // { }) // ({ } // { }))…`: 2 ** levels attribute sets, merged pairwise."""
    parts = ["{ }"] * 2**levels
    while len(parts) > 1:
        parts = [f"({parts[i]} // {parts[i + 1]})" for i in range(0, len(parts), 2)]
    return parts[0]


def test_nix_steps_limit(make_repo: RepoFactory) -> None:
    def flake(levels: int) -> str:
        return ("{\n  outputs = { self }: {\n    packages.x86_64-linux = "
                f"{_balanced_merges(levels)} // {{ app = self; }};\n  }};\n}}\n")

    ctx = context_for(make_repo({"flake.nix": flake(4)}))
    assert [p.name for p in scan_flake(ctx).packages] == ["app"]
    assert ctx.problems == []
    # 2 ** 17 sets and as many merges: more expressions than the budget.
    ctx = context_for(make_repo({"flake.nix": flake(17)}))
    scan_flake(ctx)
    assert ctx.problems == [
        Problem("flake.nix", 3, f"more than {MAX_NIX_STEPS} expressions to evaluate; packages "
                "beyond them are not read")
    ]


def test_resolved_text_limit(make_repo: RepoFactory) -> None:
    def workflow(half: int) -> str:
        return (PUSH + f"      - run: |\n          NAME={'x' * half}\n"
                "          NAME=$NAME$NAME\n          docker push ghcr.io/acme/$NAME:1\n")

    # The whole command word `ghcr.io/acme/$NAME:1` must stay within the limit.
    half = (MAX_RESOLVED_CHARS - len("ghcr.io/acme/:1")) // 2
    ctx = context_for(make_repo({WORKFLOW: workflow(half)}))
    assert [p.image_resolved for p in scan_workflows(ctx).publications] == [
        "ghcr.io/acme/" + "x" * 2 * half
    ]
    assert ctx.problems == []
    ctx = context_for(make_repo({WORKFLOW: workflow(MAX_RESOLVED_CHARS // 2 + 1)}))
    assert [p.image_resolved for p in scan_workflows(ctx).publications] == [None]
    assert ctx.problems == [
        Problem(WORKFLOW, 8, f"the shell variable assigned here grows past {MAX_RESOLVED_CHARS} "
                "characters; its value is taken as unknown"),
        Problem(WORKFLOW, 9, "job `push` pushes an image whose name is only known at run time "
                "(`ghcr.io/acme/$NAME`); set artifact.images in .release-gate.yaml to match it"),
    ]


def _matrix(size: int) -> str:
    values = ", ".join(f"v{i}" for i in range(size))
    return (f"on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
            f"        v: [{values}]\n    steps:\n"
            f"      - run: docker push {IMAGE}-${{{{ matrix.v }}}}:1\n")


def test_matrix_combination_limit(make_repo: RepoFactory) -> None:
    ctx = context_for(make_repo({WORKFLOW: _matrix(MAX_MATRIX_COMBINATIONS)}))
    assert len(scan_workflows(ctx).publications) == MAX_MATRIX_COMBINATIONS
    assert ctx.problems == []

    ctx = context_for(make_repo({WORKFLOW: _matrix(MAX_MATRIX_COMBINATIONS + 1)}))
    assert [p.image for p in scan_workflows(ctx).publications] == [f"{IMAGE}-${{{{ matrix.v }}}}"]
    assert ctx.problems == [
        Problem(WORKFLOW, 7, f"the matrix of job `push` has {MAX_MATRIX_COMBINATIONS + 1} "
                f"combinations, more than the {MAX_MATRIX_COMBINATIONS} expanded; its matrix "
                "values stay unresolved"),
        Problem(WORKFLOW, 9, "job `push` pushes an image whose name is only known at run time "
                f"(`{IMAGE}-${{{{ matrix.v }}}}`); set artifact.images in .release-gate.yaml to "
                "match it"),
    ]


def test_needs_walk_limit(make_repo: RepoFactory) -> None:
    # 400 jobs, each needing every earlier one (80,000 edges, within the YAML budget); the
    # last 20 push, and linking each of them to guards in other jobs walks the whole lattice.
    jobs = []
    for index in range(400):
        needs = ", ".join(f"j{n}" for n in range(index))
        step = f"docker push {IMAGE}:{index}" if index >= 380 else "make test"
        jobs.append(f"  j{index}:\n    needs: [{needs}]\n    runs-on: ubuntu-latest\n"
                    f"    steps:\n      - run: {step}\n")
    ctx = context_for(make_repo({WORKFLOW: "on: push\njobs:\n" + "".join(jobs)}))
    assert len(scan_workflows(ctx).publications) == 20
    assert ctx.problems == [
        Problem(WORKFLOW, None, f"`needs:` links more jobs than the {MAX_NEEDS_WALK} steps "
                "walked; scanners, signatures and attestations in other jobs may be missing "
                "from its publications"),
    ]


def test_readme_lists_every_limit_with_its_value() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    limits = {name: value for name, value in vars(wizard.limits).items()
              if name.startswith("MAX_")}
    assert len(limits) == 12
    for name, value in limits.items():
        row = next((line for line in section.splitlines() if f"`{name}`" in line), None)
        assert row is not None, f"{name} is not in the README's Limits section"
        assert re.search(rf"\b{value:,}\b|\b{value}\b", row) or _mib(value) in row, row


def _mib(value: int) -> str:
    return f"{value // (1024 * 1024)} MiB"
