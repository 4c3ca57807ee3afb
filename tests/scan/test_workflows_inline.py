"""Scripts given inline to a shell: `bash -c '…'`, `sh -ec "…"`."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.facts import Problem
from wizard.limits import MAX_SCRIPT_DEPTH

WF = ".github/workflows/release.yml"


def test_pushes_inside_bash_c_are_found_at_their_lines(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "env:\n"
                "  REGISTRY: ghcr.io/acme\n"
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    steps:\n"
                "      - run: bash -c 'docker push ghcr.io/acme/single:1'\n"
                "      - run: |\n"
                "          IMAGE=$REGISTRY/outer\n"
                "          bash -eo pipefail -c \"docker push $IMAGE:1\"\n"
                "          sh -ec '\n"
                "            set -x\n"
                "            podman push ghcr.io/acme/multi:1\n"
                "          '\n"
                "          bash -c \"sh -c 'crane push out.tar ghcr.io/acme/nested:1'\"\n"
                "          bash -- -c.sh\n"
            ),
            "-c.sh": "docker push ghcr.io/acme/not-inline:1\n",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [(p.line, p.image_resolved or p.image, p.via) for p in result.publications]
    assert found == [
        (9, "ghcr.io/acme/single", None),
        (12, "ghcr.io/acme/outer", None),
        (15, "ghcr.io/acme/multi", None),
        (17, "ghcr.io/acme/nested", None),
        (1, "ghcr.io/acme/not-inline", "-c.sh"),
    ]


def test_a_github_env_export_inside_bash_c_reaches_later_steps(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    steps:\n"
                "      - run: bash -c 'echo IMAGE=ghcr.io/acme/exported >> $GITHUB_ENV'\n"
                "      - run: docker push $IMAGE:1\n"
            ),
        }
    )
    result, problems = scan(repo)
    assert problems == []
    assert [(p.line, p.image_resolved) for p in result.publications] == [
        (8, "ghcr.io/acme/exported")
    ]


def test_inline_shells_nested_past_the_limit_are_a_problem(make_repo: RepoFactory) -> None:
    # Each level wraps the last in double quotes, escaping the quotes and backslashes inside.
    script = "docker push ghcr.io/acme/deep:1"
    for _ in range(MAX_SCRIPT_DEPTH + 1):
        script = 'bash -c "' + script.replace("\\", "\\\\").replace('"', '\\"') + '"'
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    steps:\n"
                "      - run: |\n"
                f"          {script}\n"
            ),
        }
    )
    result, problems = scan(repo)
    assert result.publications == []
    assert problems == [
        Problem(
            WF, 8,
            f"the script of this `bash -c` is not read: it is more than {MAX_SCRIPT_DEPTH} "
            "inline shells deep",
        )
    ]


def test_the_inline_scripts_own_variables_and_arguments(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "env:\n"
                "  IMAGE: docker.io/out/app\n"
                "  TAG: latest\n"
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    steps:\n"
                "      - run: |\n"
                "          OWNER=acme\n"
                "          bash -c 'IMAGE=ghcr.io/in/app; docker push $IMAGE:1'\n"
                "          bash -c 'docker push \"$1\"' _ ghcr.io/$OWNER/argument:1\n"
                "          bash -c \"docker push ghcr.io/$OWNER/caller:1\"\n"
            ),
        }
    )
    result, problems = scan(repo)
    assert problems == []
    assert [(p.line, p.image_resolved or p.image) for p in result.publications] == [
        (12, "ghcr.io/in/app"),
        (13, "ghcr.io/acme/argument"),
        (14, "ghcr.io/acme/caller"),
    ]


def test_lines_of_a_script_from_a_variable_and_of_a_command_over_several_lines(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    env:\n"
                "      SCRIPT: |\n"
                "        echo one\n"
                "        echo two\n"
                "        docker push ghcr.io/acme/from-variable:1\n"
                "    steps:\n"
                "      - run: |\n"
                "          bash -c \"$SCRIPT\"\n"
                "          bash \\\n"
                "            -c '\n"
                "            echo x\n"
                "            docker push ghcr.io/acme/continued:1'\n"
            ),
        }
    )
    result, problems = scan(repo)
    assert problems == []
    assert [(p.line, p.image_resolved or p.image) for p in result.publications] == [
        (13, "ghcr.io/acme/from-variable"),
        (17, "ghcr.io/acme/continued"),
    ]
