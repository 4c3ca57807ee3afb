"""Pushes hidden behind local composite actions, reusable workflows and repository scripts."""

from __future__ import annotations

import pytest

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, single, workflow
from wizard.facts import BuildSource, Problem, Signing, VulnScan
from wizard.limits import MAX_SCRIPT_DEPTH
from wizard.scan.shell import ShellScript, parse_script

WF = ".github/workflows/release.yml"
ACTION = ".github/actions/publish/action.yml"
REUSABLE = ".github/workflows/reusable-publish.yml"
SCRIPT = "scripts/push-image.sh"


def test_push_through_a_composite_action_with_inputs(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  release:
    runs-on: ubuntu-latest
    env:
      REGISTRY: ghcr.io
    steps:
      - uses: ./.github/actions/publish
        if: startsWith(github.ref, 'refs/tags/')
        with:
          image: acme/api
""",
                on="on:\n  push:\n    tags: ['v*']\n",
            ),
            ACTION: """name: publish
inputs:
  image:
    required: true
  dockerfile:
    default: api/Dockerfile
runs:
  using: composite
  steps:
    - uses: docker/build-push-action@v6
      with:
        file: ${{ inputs.dockerfile }}
        push: true
        tags: ${{ env.REGISTRY }}/${{ inputs.image }}:latest
    - shell: bash
      run: |
        trivy image --exit-code 1 "${{ env.REGISTRY }}/${{ inputs.image }}:latest"
""",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    publication = single(result)
    assert (publication.workflow, publication.path, publication.via) == (WF, ACTION, ACTION)
    assert (publication.job, publication.line) == ("release", 10)
    assert publication.image == "${{ env.REGISTRY }}/${{ inputs.image }}"
    assert publication.image_resolved == "ghcr.io/acme/api"
    assert publication.build_source == BuildSource("dockerfile", "api/Dockerfile")
    assert publication.push == "startsWith(github.ref, 'refs/tags/')"
    assert publication.triggers == ["push:tags=v*"]
    assert publication.vuln_scan == VulnScan("trivy", 17, True, ACTION)


def test_reusable_workflow_reports_at_the_callee_with_the_callers_triggers(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """permissions:
  id-token: write
jobs:
  publish:
    uses: ./.github/workflows/reusable-publish.yml
    with:
      image: ghcr.io/acme/api
  sign:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - run: cosign sign --yes ghcr.io/acme/api@${{ needs.publish.outputs.digest }}
""",
                on="on:\n  release:\n    types: [published, prereleased]\n",
            ),
            REUSABLE: """on:
  workflow_call:
    inputs:
      image:
        type: string
        required: true
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/push-image.sh "${{ inputs.image }}" latest
""",
            SCRIPT: """#!/usr/bin/env bash
set -euo pipefail
image="$1"
docker build -t "$image:$2" -f app/Dockerfile .
docker push "$image:$2"
""",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    # The reusable workflow is not reported on its own: only `workflow_call` can start it.
    publication = single(result)
    assert (publication.workflow, publication.job) == (WF, "publish/build")
    assert (publication.path, publication.line) == (SCRIPT, 5)
    assert publication.via == f"{REUSABLE} -> {SCRIPT}"
    assert publication.image == "$image"
    assert publication.image_resolved == "ghcr.io/acme/api"
    assert publication.tags == ["$2"]
    assert publication.build_source == BuildSource("dockerfile", "app/Dockerfile")
    assert publication.triggers == ["release:published,prereleased"]
    assert publication.signing == Signing("cosign", "keyless", True, 16, WF)
    assert publication.id_token_write is True


def test_scripts_called_through_bash_sh_and_source(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: bash -eu .ci/publish.sh
      - working-directory: deploy
        run: sh ./push.sh
      - run: source scripts/env.sh && ./scripts/build.py
      - env:
          NOT_HERE: ghcr.io/acme/not-here
        run: scripts/literal.sh
""",
            ),
            ".ci/publish.sh": "crane push image.tar ghcr.io/acme/ci:1\n",
            "deploy/push.sh": "#!/bin/sh\npodman push ghcr.io/acme/deploy:1\n",
            "scripts/env.sh": "export IMAGE=ghcr.io/acme/env\ndocker push $IMAGE:1\n",
            # GitHub substitutes no expression inside a script file.
            "scripts/literal.sh": 'docker push "${{ env.NOT_HERE }}"\n',
            "scripts/build.py": "#!/usr/bin/env python3\nprint('docker push ghcr.io/acme/py:1')\n",
        }
    )
    result, problems = scan(repo)
    assert problems == [
        Problem(
            "scripts/literal.sh", 1,
            "job `publish` pushes an image whose name is only known at run time "
            "(`${{ env.NOT_HERE }}`); set artifact.images in .release-gate.yaml to match it",
        )
    ]
    found = [(p.path, p.line, p.image_resolved or p.image, p.via) for p in result.publications]
    assert found == [
        (".ci/publish.sh", 1, "ghcr.io/acme/ci", ".ci/publish.sh"),
        ("deploy/push.sh", 2, "ghcr.io/acme/deploy", "deploy/push.sh"),
        ("scripts/env.sh", 2, "ghcr.io/acme/env", "scripts/env.sh"),
        ("scripts/literal.sh", 1, "${{ env.NOT_HERE }}", "scripts/literal.sh"),
    ]


def test_script_cycles_stop_and_are_reported(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  loop:
    runs-on: ubuntu-latest
    steps:
      - run: ./a.sh
""",
            ),
            "a.sh": "docker push ghcr.io/acme/a:1\n./b.sh\n",
            "b.sh": "./a.sh\n",
        }
    )
    result, problems = scan(repo)
    assert [(p.path, p.line) for p in result.publications] == [("a.sh", 1)]
    assert problems == [
        Problem(
            "b.sh", 1,
            f"`a.sh` is not followed again: it is already read through {WF} -> a.sh -> b.sh",
        )
    ]


def test_indirection_deeper_than_the_limit_is_a_problem(make_repo: RepoFactory) -> None:
    files = {
        WF: workflow("jobs:\n  deep:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./s1.sh\n")
    }
    for level in range(1, MAX_SCRIPT_DEPTH + 2):
        files[f"s{level}.sh"] = f"./s{level + 1}.sh\ndocker push ghcr.io/acme/level{level}:1\n"
    repo = make_repo(files)
    result, problems = scan(repo)
    levels = [p.image for p in result.publications]
    assert levels == [f"ghcr.io/acme/level{n}" for n in range(MAX_SCRIPT_DEPTH, 0, -1)]
    assert problems == [
        Problem(
            f"s{MAX_SCRIPT_DEPTH}.sh", 1,
            f"`s{MAX_SCRIPT_DEPTH + 1}.sh` is not followed: it is more than {MAX_SCRIPT_DEPTH} "
            "levels of local actions, reusable workflows, scripts and make calls deep",
        )
    ]


def test_missing_local_action_and_reusable_workflow_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  call:
    uses: ./.github/workflows/missing.yml
  steps:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/missing
      - uses: ./../outside
      - run: docker push ghcr.io/acme/still:1
""",
            )
        }
    )
    result, problems = scan(repo)
    assert [p.image for p in result.publications] == ["ghcr.io/acme/still"]
    assert problems == [
        Problem(WF, 5, "reusable workflow `./.github/workflows/missing.yml` is not in the repository"),
        Problem(WF, 9, "local action `./.github/actions/missing` has no action.yml or action.yaml"),
        Problem(WF, 10, "local action `./../outside` leaves the repository; not read"),
    ]


def test_a_javascript_local_action_has_no_steps_to_read(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n  js:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/act/\n"
                "      - uses: ./.github/actions/ship\n"
                "      - uses: ./.github/actions/docker-login\n"
                "      - uses: ./.github/actions/pr-comment\n"
                "      - uses: ./.github/actions/registry-mirror\n"
            ),
            "tools/act/action.yaml": "name: Release notes\ndescription: Optimize images\n"
                                     "runs:\n  using: node20\n  main: index.js\n",
            ".github/actions/docker-login/action.yml": "description: Lint Dockerfiles in a "
                                                       "container\nruns:\n  using: docker\n"
                                                       "  image: Dockerfile\n",
            ".github/actions/pr-comment/action.yml": "description: Comment on the pull request "
                                                     "after each push\nruns:\n  using: node20\n"
                                                     "  main: index.js\n",
            ".github/actions/registry-mirror/action.yml": "name: Configure registry mirror\n"
                                                          "runs:\n  using: docker\n"
                                                          "  image: Dockerfile\n",
            ".github/actions/ship/action.yml": "name: Ship\ndescription: Push the image to GHCR\n"
                                               "runs:\n  using: docker\n  image: Dockerfile\n",
        }
    )
    # Found (a missing action.yml would be a problem) and read; the one that says it pushes an
    # image is a problem, since what it does is not counted.
    result, problems = scan(repo)
    assert result.publications == []
    assert problems == [
        Problem(
            WF, 8,
            "local action `./.github/actions/ship` runs docker code, which is not read; if it "
            "publishes an image, that publication is not counted",
        )
    ]


def test_guards_in_the_callers_jobs_and_in_sibling_callee_jobs(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  publish:
    uses: ./.github/workflows/reusable-publish.yml
  attest:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - uses: actions/attest-build-provenance@v2
""",
            ),
            REUSABLE: """on: workflow_call
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push ghcr.io/acme/api:1
  unrelated:
    runs-on: ubuntu-latest
    steps:
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          exit-code: 1
  scan:
    needs: push
    runs-on: ubuntu-latest
    steps:
      - run: grype ghcr.io/acme/api:1
""",
        }
    )
    publication = single(scan(repo)[0])
    assert publication.job == "publish/push"
    assert publication.vuln_scan == VulnScan("grype", 17, False, REUSABLE)
    assert publication.provenance is not None
    assert (publication.provenance.kind, publication.provenance.path) == (
        "attest-build-provenance", WF,
    )


def test_composite_action_runs_a_script_next_to_it(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: ./.github/actions/publish\n        with:\n          tag: v1\n"
            ),
            ACTION: """runs:
  using: composite
  steps:
    - shell: bash
      env:
        TAG: ${{ inputs.tag }}
      run: |
        "${{ github.action_path }}/push.sh"
        bash "$GITHUB_ACTION_PATH/sign.sh"
""",
            ".github/actions/publish/push.sh": 'docker push "ghcr.io/acme/api:$TAG"\n',
            ".github/actions/publish/sign.sh": 'cosign sign --key k "ghcr.io/acme/api:$TAG"\n',
        }
    )
    result, problems = scan(repo)
    assert problems == []
    publication = single(result)
    push = ".github/actions/publish/push.sh"
    assert (publication.path, publication.line, publication.via) == (push, 1, f"{ACTION} -> {push}")
    assert (publication.image, publication.tags) == ("ghcr.io/acme/api", ["$TAG"])
    assert publication.signing == Signing(
        "cosign", "key", False, 1, ".github/actions/publish/sign.sh"
    )


def _counting_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the text of every script the step reader parses."""
    parsed: list[str] = []

    def parse(text: str) -> ShellScript:
        parsed.append(text)
        return parse_script(text)

    monkeypatch.setattr("wizard.scan.indirection.parse_script", parse)
    return parsed


def test_a_script_is_parsed_once_however_often_it_is_reached(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _counting_parser(monkeypatch)
    aliases = "".join(
        f"  copy{n}:\n    runs-on: ubuntu-latest\n    steps:\n      - *push\n" for n in range(4)
    )
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  first:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        arch: [amd64, arm64, riscv64]
    steps:
      - &push
        run: |
          docker push ghcr.io/acme/api:${{ matrix.arch }}
          ./scripts/push-image.sh
"""
                + aliases
            ),
            SCRIPT: "docker push ghcr.io/acme/worker:1\n",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    jobs = ["first", "copy0", "copy1", "copy2", "copy3"]
    assert [(p.job, p.image) for p in result.publications] == [
        (job, f"ghcr.io/acme/{name}") for job in jobs for name in ("api", "worker")
    ]
    assert parsed == [
        "docker push ghcr.io/acme/api:${{ matrix.arch }}\n./scripts/push-image.sh\n",
        "docker push ghcr.io/acme/worker:1\n",
    ]


def test_scripts_past_the_scan_budget_are_problems(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, call = "docker push ghcr.io/acme/first:1", "./scripts/push-image.sh"
    budget = len(first) + len(call)
    monkeypatch.setattr("wizard.scan.indirection.MAX_SCRIPT_BYTES", budget)
    parsed = _counting_parser(monkeypatch)
    repo = make_repo(
        {
            WF: workflow(
                f"""jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: {first}
      - run: docker push ghcr.io/acme/second:1
      - run: {call}
      - run: echo nothing to parse here
""",
            ),
            SCRIPT: "docker push ghcr.io/acme/third:1\n",
        }
    )
    result, problems = scan(repo)
    assert [p.image for p in result.publications] == ["ghcr.io/acme/first"]
    assert parsed == [first, call]
    assert problems == [
        Problem(
            WF, 8,
            f"shell script not read: the scan already read {len(first)} of the {budget} bytes "
            "of shell it reads at most",
        ),
        Problem(
            SCRIPT, None,
            f"shell script not read: the scan already read {budget} of the {budget} bytes "
            "of shell it reads at most",
        ),
    ]


def test_every_read_of_a_cached_script_counts_against_the_budget(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parsed once, a script still puts all its commands in each job that reads it: aliases
    # repeating a large script must stay bounded too.
    run = "docker push ghcr.io/acme/api:1"
    monkeypatch.setattr("wizard.scan.indirection.MAX_SCRIPT_BYTES", 2 * len(run))
    copies = "".join(f"  copy{n}:\n    runs-on: ubuntu-latest\n    steps:\n      - *push\n"
                     for n in range(2))
    repo = make_repo(
        {
            WF: workflow(
                f"jobs:\n  first:\n    runs-on: ubuntu-latest\n    steps:\n      - &push\n"
                f"        run: {run}\n{copies}"
            )
        }
    )
    result, problems = scan(repo)
    assert [p.job for p in result.publications] == ["first", "copy0"]
    # An alias is the anchored node itself: the problem names the anchor's line.
    assert problems == [
        Problem(
            WF, 8,
            f"shell script not read: the scan already read {2 * len(run)} of the {2 * len(run)} "
            "bytes of shell it reads at most",
        )
    ]


def test_a_with_that_is_not_a_mapping_leaves_the_declared_defaults(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  call:
    uses: ./.github/workflows/reusable-publish.yml
    with: [ghcr.io/acme/ignored]
  steps:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/publish
        with: ghcr.io/acme/ignored
""",
            ),
            REUSABLE: """on:
  workflow_call:
    inputs:
      image: {default: ghcr.io/acme/called}
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push "${{ inputs.image }}:1"
""",
            ACTION: """inputs:
  image: {default: ghcr.io/acme/composite}
runs:
  using: composite
  steps:
    - shell: bash
      run: docker push "${{ inputs.image }}:1"
""",
        }
    )
    result, problems = scan(repo)
    assert [p.image_resolved for p in result.publications] == [
        "ghcr.io/acme/called", "ghcr.io/acme/composite",
    ]
    assert problems == [
        Problem(
            WF, 6, "`with:` of `./.github/workflows/reusable-publish.yml` is not a mapping; its "
            "inputs keep their defaults",
        ),
        Problem(
            WF, 11, "`with:` of `./.github/actions/publish` is not a mapping; its inputs keep "
            "their defaults",
        ),
    ]


def test_a_push_hidden_by_a_shell_syntax_error_is_a_problem(make_repo: RepoFactory) -> None:
    """Inline and in a called script: the line of the error, and the line the parser lost."""
    repo = make_repo(
        {
            ".github/workflows/release.yml": workflow(
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    steps:\n"
                "      - run: |\n"
                "          echo \"building\n"
                "          docker push ghcr.io/acme/app:1\n"
                "      - run: ./scripts/ci/publish.sh\n"
            ),
            "scripts/ci/publish.sh": (
                "#!/bin/sh\n"
                "case \"$1\" in\n"
                "  release) echo go;;\n"
                "cosign sign ghcr.io/acme/app:1\n"
            ),
        }
    )
    _, problems = scan(repo)
    found = sorted((p.path, p.line, p.message) for p in problems)
    assert found == [
        (
            ".github/workflows/release.yml", 9,
            "`docker` here was not read as a command: the shell parser lost track of the script "
            "from line 8 (a syntax error?), so what this line does is not counted",
        ),
        (
            "scripts/ci/publish.sh", 4,
            "`cosign` here was not read as a command: the shell parser lost track of the script "
            "from line 2 (a syntax error?), so what this line does is not counted",
        ),
    ]


def test_a_script_runs_in_the_interpreter_its_first_line_names(make_repo: RepoFactory) -> None:
    """Read as shell: no `#!`, a POSIX shell, or one found through `env` (with options); not
    read: tclsh, fish, csh, whose names merely end in "sh"."""
    scripts = {
        "scripts/plain.sh": "docker push ghcr.io/acme/plain:1\n",
        "scripts/env-s.sh": "#!/usr/bin/env -S bash -eu\ndocker push ghcr.io/acme/env-s:1\n",
        "scripts/zsh.sh": "#!/usr/bin/env zsh\ndocker push ghcr.io/acme/zsh:1\n",
        "scripts/tcl.sh": "#!/usr/bin/tclsh\nexec docker push ghcr.io/acme/tcl:1\n",
        "scripts/fish.sh": "#!/usr/bin/fish\ndocker push ghcr.io/acme/fish:1\n",
        "scripts/csh.sh": "#!/bin/csh\ndocker push ghcr.io/acme/csh:1\n",
    }
    steps = "".join(f"      - run: ./{path}\n" for path in scripts)
    repo = make_repo(
        {
            WF: workflow(f"jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"),
            **scripts,
        }
    )
    result, problems = scan(repo)
    assert problems == []
    assert sorted(p.image for p in result.publications) == [
        "ghcr.io/acme/env-s", "ghcr.io/acme/plain", "ghcr.io/acme/zsh",
    ]
