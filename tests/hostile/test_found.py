"""Robustness bugs the hostile corpus found, one focused test each."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.cli import main
from wizard.facts import Problem
from wizard.report import scan_report
from wizard.sample import commit_files
from wizard.scan.docs import DocTerms, scan_docs
from wizard.scan.repository import scan_repository
from wizard.scan.tofu import scan_stacks
from wizard.scan.workflows import scan_workflows
from wizard.yamlsafe import YamlProblem, load_yaml

IMAGE = "ghcr.io/acme/dashboard"
UTF16 = "encoded as UTF-16; only UTF-8 files are read"


def test_utf16_docs_and_stack_files_are_problems_not_skipped(make_repo: RepoFactory) -> None:
    # The byte pre-filters looked for ASCII terms, which UTF-16 text never contains.
    repo = make_repo({"tofu/stacks/dashboard/main.tf": 'variable "image" {}\n'})
    (repo / "docs").mkdir()
    (repo / "docs/release.md").write_bytes(f"# dashboard\n\n`{IMAGE}:1`\n".encode("utf-16"))
    (repo / "tofu/stacks/dashboard/values.tf").write_bytes(
        'variable "app_image" {\n  default = "x"\n}\n'.encode("utf-16")
    )
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, DocTerms(artifact="dashboard", images=[IMAGE]))
    deployments = scan_stacks(ctx, "dashboard", [IMAGE])
    assert mentions == []
    assert [(d.file, d.variable) for d in deployments] == [
        ("tofu/stacks/dashboard/main.tf", "image")
    ]
    assert sorted(ctx.problems, key=lambda p: p.path) == [
        Problem("docs/release.md", None, UTF16),
        Problem("tofu/stacks/dashboard/values.tf", None, UTF16),
    ]


def test_markdown_nested_past_the_parser_limit_is_a_problem(make_repo: RepoFactory) -> None:
    # markdown-it-py drops whatever is nested deeper than its maxNesting without a word.
    repo = make_repo(
        {
            "docs/quotes.md": f"# dashboard\n\n{'> ' * 5}`{IMAGE}:1`\n\n{'> ' * 25}`{IMAGE}:2`\n",
            "docs/lists.md": f"# dashboard\n\nintro\n\n{'- ' * 10_000}`{IMAGE}:3`\n",
        }
    )
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, DocTerms(artifact="dashboard", images=[IMAGE]))
    assert [(m.path, m.line, m.text) for m in mentions] == [
        ("docs/quotes.md", 3, f"> > > > > `{IMAGE}:1`")
    ]
    deep = (
        "lists or quotes nested deeper than the parser's 20 levels (a list level counts two); "
        "the lines inside are not read"
    )
    assert sorted(ctx.problems, key=lambda p: p.path) == [
        Problem("docs/lists.md", 5, deep),
        Problem("docs/quotes.md", 5, deep),
    ]


def test_undecodable_bytes_from_git_are_a_yaml_problem(
    make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # `check --base-ref` reads the base branch's configuration through `git show`, whose output
    # keeps invalid UTF-8 as lone surrogates; libyaml raised UnicodeEncodeError on them.
    with pytest.raises(YamlProblem, match=r"^not valid UTF-8 \(it holds undecodable bytes\)$"):
        load_yaml("ownership:\n  planning: caf\udce9\n")
    repo = make_repo({"README.md": "# x\n"})
    (repo / ".release-gate.yaml").write_bytes(b'ownership:\n  planning: "#171 caf\xe9"\n')
    commit_files(repo, {}, "a Latin-1 configuration")
    (repo / ".release-gate.yaml").write_text('ownership:\n  planning: "#171"\n', encoding="utf-8")
    assert main(["check", str(repo), "--base-ref", "HEAD"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "release-gate: .release-gate.yaml: not valid UTF-8 (it holds undecodable bytes)\n"
    )


def test_names_that_are_not_utf8_are_problems_and_never_reach_the_output(
    make_repo: RepoFactory,
) -> None:
    # git prints names as bytes; kept as lone surrogates they crashed every strict UTF-8 writer
    # (the text report and --json under PYTHONIOENCODING=utf-8, the records).
    repo = make_repo({"README.md": "# x\n"})
    workflows = os.fsencode(repo / ".github" / "workflows")
    os.makedirs(workflows)
    with open(os.path.join(workflows, b"caf\xe9.yml"), "wb") as handle:
        handle.write(b"on: push\njobs: {}\n")
    subprocess.run(["git", "checkout", "-q", "-b", b"topic-\xff"], cwd=repo, check=True)
    result = scan_repository(repo)
    assert result.problems[0] == Problem(
        ".github/workflows/caf\ufffd.yml", None, "the file name is not valid UTF-8; not read"
    )
    assert result.repo.branch == "topic-\ufffd"
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")
    scan_report(result).encode("utf-8")


_PUSH_JOB = "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n"


def _refs(name: str, count: int) -> str:
    return f"${{{{ env.{name} }}}}" * count


@pytest.mark.parametrize(
    ("workflow", "image", "problem"),
    [
        pytest.param(
            _PUSH_JOB + "    steps:\n      - run: |\n          A=xxxxxxxx\n"
            + "          A=$A$A\n" * 40 + "          docker push ghcr.io/acme/$A:1\n",
            "ghcr.io/acme/$A",
            (17, "the shell variable assigned here grows past 4096 characters; its value is "
             "taken as unknown"),
            id="shell-assignments",
        ),
        pytest.param(
            _PUSH_JOB + '    steps:\n      - run: echo "A=xxxxxxxx" >> "$GITHUB_ENV"\n'
            + '      - run: echo "A=$A$A" >> "$GITHUB_ENV"\n' * 40
            + "      - run: docker push ghcr.io/acme/$A:1\n",
            "ghcr.io/acme/${{ env.A }}",
            (16, "the value exported as `A` grows past 4096 characters; later steps see it as "
             "unknown"),
            id="github-env-exports",
        ),
        pytest.param(
            _PUSH_JOB + f'    env:\n      A: "{_refs("B", 300)}"\n      B: "{_refs("C", 300)}"\n'
            f'      C: "{_refs("D", 300)}"\n      D: x\n'
            "    steps:\n      - run: docker push ghcr.io/acme/${{ env.A }}:1\n",
            "ghcr.io/acme/${{ env.A }}",
            (5, "env `A` grows past 4096 characters once its `${{ }}` references are "
             "substituted; it is taken as unknown"),
            id="env-references",
        ),
    ],
)
def test_values_that_double_per_line_stay_bounded(
    make_repo: RepoFactory, workflow: str, image: str, problem: tuple[int, str]
) -> None:
    # Each substitution used to be unbounded: 40 lines of `A=$A$A` made a 8 TiB image name.
    ctx = context_for(make_repo({".github/workflows/w.yml": workflow}))
    started = time.perf_counter()
    publications = scan_workflows(ctx).publications
    assert time.perf_counter() - started < 5
    assert [p.image_resolved or p.image for p in publications] == [image]
    assert ctx.problems[0] == Problem(".github/workflows/w.yml", *problem)


def test_a_control_character_in_yaml_is_a_one_line_problem_with_its_line(
    make_repo: RepoFactory,
) -> None:
    # libyaml's reader error spread over two lines (`in "<unicode string>", position 9`) and
    # named no line; found by the property test of load_yaml.
    repo = make_repo({".github/workflows/w.yml": "on: push\njobs: \x1b[31mred\n"})
    ctx = context_for(repo)
    scan_workflows(ctx)
    assert ctx.problems == [
        Problem(".github/workflows/w.yml", 2,
                "invalid YAML: control characters are not allowed (U+001B)")
    ]
