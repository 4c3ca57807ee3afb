"""Bad input: malformed files and shapes become problems, the other workflows are still read;
arbitrary YAML-shaped documents and arbitrary script text never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RepoFactory
from tests.helpers import context_for
from tests.scan.workflow_support import scan
from wizard.facts import Problem
from wizard.sample import commit_files, init_repo
from wizard.scan.shell import parse_script
from wizard.scan.workflows import scan_workflows

GOOD = ".github/workflows/good.yml"
GOOD_TEXT = """on: push
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/api:1
"""


def test_malformed_shapes_are_problems_and_the_good_workflow_is_still_read(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            GOOD: GOOD_TEXT,
            ".github/workflows/broken.yml": "on: push\njobs:\n  a: [\n",
            ".github/workflows/list.yml": "on: push\njobs:\n  - build\n  - test\n",
            ".github/workflows/scalar.yml": "just a string\n",
            ".github/workflows/job.yml": "on: push\njobs:\n  a: 3\n  b:\n    steps: run this\n",
            ".github/workflows/steps.yml": (
                "on: push\njobs:\n  a:\n    steps:\n      - just text\n      - uses: [x]\n"
                "      - run: {a: 1}\n      - uses: docker/build-push-action@v6\n"
                "        with: ${{ fromJSON(inputs.with) }}\n      - run: 42\n"
            ),
        }
    )
    result, problems = scan(repo)
    assert [p.workflow for p in result.publications] == [GOOD]
    assert sorted(problems, key=lambda p: (p.path, p.line or 0)) == [
        Problem(".github/workflows/broken.yml", 4, "invalid YAML: did not find expected node content"),
        Problem(".github/workflows/job.yml", 3, "job `a` is not a mapping; skipped"),
        Problem(".github/workflows/job.yml", 5, "`steps` of job `b` is not a list; not read"),
        Problem(
            ".github/workflows/list.yml", 2,
            "`jobs` is not a mapping of job ids to jobs; no job is read",
        ),
        Problem(".github/workflows/scalar.yml", None, "workflow is not a mapping; not read"),
        Problem(".github/workflows/steps.yml", 5, "step 1 of job `a` is not a mapping; skipped"),
        Problem(".github/workflows/steps.yml", 6, "`uses:` is not text; step skipped"),
        Problem(".github/workflows/steps.yml", 7, "`run:` is not text; step skipped"),
        Problem(
            ".github/workflows/steps.yml", 8,
            "`with:` of docker/build-push-action is not a mapping; whether it pushes is unknown",
        ),
    ]


def test_unreadable_files_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo({GOOD: GOOD_TEXT})
    workflows = repo / ".github" / "workflows"
    (workflows / "binary.yml").write_bytes(b"on: push\x00\x01\x02")
    (workflows / "latin1.yaml").write_bytes(b"on: push\njobs: {caf\xe9: 1}\n")
    (workflows / "bomb.yml").write_text(
        'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
            f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    result, problems = scan(repo)
    assert [p.workflow for p in result.publications] == [GOOD]
    by_path = {p.path: p.message for p in problems}
    assert by_path[".github/workflows/binary.yml"] == "binary file (contains NUL bytes)"
    assert by_path[".github/workflows/latin1.yaml"] == "not valid UTF-8 (byte 19)"
    assert "alias bomb" in by_path[".github/workflows/bomb.yml"]


def test_script_with_syntax_errors_still_yields_what_parses(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            GOOD: """on: push
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker push ghcr.io/acme/first:1
          if [ "$x" = ; then (( ; fi fi }
          docker push ghcr.io/acme/second:1
          echo "unterminated
"""
        }
    )
    result, problems = scan(repo)
    # Bash runs the first push, then stops at the syntax error on line 8: nothing after it runs,
    # so the second push is not a publication. The parser, too, yields the command before it;
    # that it lost the line naming docker is said, as a valid script it misreads looks the same.
    assert [(p.line, p.image) for p in result.publications] == [(7, "ghcr.io/acme/first")]
    assert [(p.line, p.message) for p in problems] == [
        (
            9,
            "`docker` here was not read as a command: the shell parser lost track of the script "
            "from line 8 (a syntax error?), so what this line does is not counted",
        )
    ]


# Keys and values a workflow reader actually looks at, so generated documents reach deep code.
_KEYS = st.sampled_from(
    [
        "on", "jobs", "steps", "uses", "run", "with", "env", "if", "needs", "permissions",
        "strategy", "matrix", "include", "exclude", "id", "shell", "defaults", "push", "tags",
        "images", "outputs", "file", "context", "id-token", "continue-on-error", "workflow_call",
        "inputs", "default", "runs", "using", "name", "authToken", "exit-code", "fail-build",
        "provenance", "sbom", "build", "image", "working-directory", "runs-on", "branches",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        [
            "docker/build-push-action@v6", "docker/metadata-action@v5", "./.github/actions/a",
            "./.github/workflows/w.yml", "cachix/cachix-action@v15", "write", "write-all",
            "${{ steps.meta.outputs.tags }}", "${{ matrix.image }}", "${{ env.X }}",
            "docker push $IMAGE", "nix build .#x && docker load < result && docker push a/b",
            "cosign sign x@${{ steps.b.outputs.digest }}", "./s.sh", "bash s.sh",
            "ghcr.io/a/b:1", "composite", "type=registry", "true", "false", "pwsh", "push",
        ]
    ),
    st.text(max_size=20),
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_KEYS, children, max_size=5),
    ),
    max_leaves=40,
)


def _shaped(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Mostly the expected shape, sometimes anything at all in its place."""
    return st.one_of(strategy, strategy, strategy, strategy, _DOCUMENTS)


_USES = st.sampled_from(
    [
        "docker/build-push-action@v6", "docker/metadata-action@v5", "./.github/actions/a",
        "cachix/cachix-action@v15", "aquasecurity/trivy-action@0.28.0", "anchore/scan-action@v4",
        "actions/attest-build-provenance@v2", "DeterminateSystems/flakehub-push@main",
        "docker/setup-buildx-action@v3", "snyk/actions/docker@master", "./missing",
    ]
)
_RUN = st.lists(
    st.sampled_from(
        [
            "docker push $IMAGE:1", "IMAGE=ghcr.io/a/${{ matrix.image }}", "./s.sh a b",
            "nix build .#x -o out", "docker load < out", "docker tag x ghcr.io/a/y:1",
            "docker buildx build --push -t ${{ env.X }} .", "cosign sign $IMAGE@$DIGEST",
            "echo DIGEST=${{ steps.b.outputs.digest }} >> $GITHUB_ENV", "trivy image x || true",
            "cachix push c ./out", "nix run .#x.copyToRegistry", "skopeo copy a docker://b",
            "bash -c 'docker push x'", "source s.sh", "nix copy --to s3://b .#x",
        ]
    ),
    min_size=1,
    max_size=6,
).map("\n".join)
_WITH = st.dictionaries(
    st.sampled_from(["push", "tags", "images", "file", "context", "outputs", "name", "authToken",
                     "exit-code", "fail-build", "provenance", "sbom", "image", "skipPush"]),
    _SCALARS,
    max_size=5,
)
_STEP_EXTRAS = {
    "id": _SCALARS, "if": _SCALARS, "shell": _SCALARS, "continue-on-error": _SCALARS,
    "env": _shaped(st.dictionaries(st.sampled_from(["X", "IMAGE"]), _SCALARS)),
    "working-directory": _SCALARS,
}
_STEP = st.one_of(
    st.fixed_dictionaries({"run": _shaped(_RUN)}, optional=_STEP_EXTRAS),
    st.fixed_dictionaries({"uses": _shaped(_USES)}, optional={"with": _shaped(_WITH)}),
)
_STEPS = _shaped(st.lists(_STEP, min_size=1, max_size=5))
_MATRIX = st.fixed_dictionaries(
    {"matrix": _shaped(st.dictionaries(
        st.sampled_from(["image", "include", "exclude"]),
        _shaped(st.lists(st.one_of(_SCALARS, st.dictionaries(st.just("image"), _SCALARS)))),
    ))}
)
_JOB_EXTRAS = {
    "needs": _shaped(st.lists(st.sampled_from(["a", "b", "c"]))), "permissions": _SCALARS,
    "strategy": _shaped(_MATRIX), "if": _SCALARS, "env": _WITH, "continue-on-error": _SCALARS,
}
_JOB = st.one_of(
    st.fixed_dictionaries({"runs-on": _SCALARS, "steps": _STEPS}, optional=_JOB_EXTRAS),
    st.fixed_dictionaries(
        {"uses": _shaped(st.just("./.github/workflows/w.yml"))},
        optional={**_JOB_EXTRAS, "with": _shaped(_WITH)},
    ),
)
_WORKFLOW = st.fixed_dictionaries(
    {
        "on": _shaped(st.sampled_from(["push", "workflow_call"])),
        "jobs": _shaped(st.dictionaries(st.sampled_from(["a", "b", "c"]), _JOB, min_size=1)),
    },
    optional={"env": _WITH, "permissions": _SCALARS},
)
_ACTION = st.fixed_dictionaries(
    {"runs": _shaped(st.fixed_dictionaries({"using": st.just("composite"), "steps": _STEPS}))},
    optional={"inputs": _DOCUMENTS},
)


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One committed repository whose files each generated example rewrites."""
    repo = init_repo(tmp_path_factory.mktemp("fuzz"))
    paths = [".github/workflows/any.yml", ".github/workflows/w.yml", ".github/actions/a/action.yml"]
    commit_files(repo, {**dict.fromkeys(paths, ""), "s.sh": ""}, "fuzz fixture")
    return repo


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=_shaped(_WORKFLOW), action=_shaped(_ACTION), called=_shaped(_WORKFLOW))
def test_any_yaml_shaped_workflow_never_raises(
    fuzz_repo: Path, workflow: object, action: object, called: object
) -> None:
    files = {
        ".github/workflows/any.yml": workflow,
        ".github/actions/a/action.yml": action,
        ".github/workflows/w.yml": called,
    }
    for rel, document in files.items():
        (fuzz_repo / rel).write_text(yaml.safe_dump(document), encoding="utf-8")
    (fuzz_repo / "s.sh").write_text("docker push ghcr.io/a/b:1\n./s.sh\n", encoding="utf-8")
    ctx = context_for(fuzz_repo)
    result = scan_workflows(ctx)
    assert all(isinstance(p, Problem) for p in ctx.problems)
    assert all(p.line > 0 for p in result.publications)


def test_non_ascii_that_crashes_the_bash_grammar_is_read_safely() -> None:
    # tree-sitter-bash 0.25 segfaults on `{` followed by U+DC9CF when given the raw bytes.
    script = parse_script('docker push "ghcr.io/caf\u00e9/x:1" {\U000dc9cf\n{\U000dc9cf')
    assert script.commands[0].words == ["docker", "push", "ghcr.io/caf\u00e9/x:1", "{\U000dc9cf"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_any_script_text_never_raises(text: str) -> None:
    script = parse_script(text)
    lines = text.count("\n") + 1
    assert all(1 <= command.line <= lines for command in script.commands)
    assert all(command.words for command in script.commands)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            ["docker", "push", "${{ x }}", "${{ a\nb }}", "$(", ")", "'", '"', "\\\n", "|", "||",
             "true", "<", ">>", "<<EOF\n", "EOF\n", "\n", " ", "=", "X", "{", "}", ";", "&&"]
        ),
        max_size=40,
    )
)
def test_shell_shaped_text_never_raises(parts: list[str]) -> None:
    text = "".join(parts)
    script = parse_script(text)
    lines = text.count("\n") + 1
    assert all(1 <= command.line <= lines for command in script.commands)
