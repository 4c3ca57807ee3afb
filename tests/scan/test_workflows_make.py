"""Pushes written in Makefile recipes that a workflow step runs through `make`."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.facts import BuildSource, Problem
from wizard.limits import MAX_SCRIPT_DEPTH

WF = ".github/workflows/release.yml"


def _workflow(run: str, env: str = "") -> str:
    return workflow(
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        f"{env}"
        "    steps:\n"
        f"      - run: {run}\n",
        on="on:\n  push:\n    tags: ['v*']\n",
    )


MAKEFILE = """\
IMAGE ?= ghcr.io/acme/api
TAG := $(shell git describe --tags)

.PHONY: release build push
release: push

build:
\tdocker build -t $(IMAGE):$(TAG) -f app/Dockerfile .

push: build
\t@docker push $(IMAGE):$(TAG)
"""


def test_a_push_in_a_makefile_recipe_is_found_at_its_line(make_repo: RepoFactory) -> None:
    repo = make_repo({WF: _workflow("make release"), "Makefile": MAKEFILE})
    result, problems = scan(repo)
    assert problems == []
    (publication,) = result.publications
    assert (publication.path, publication.line, publication.via) == ("Makefile", 11, "Makefile")
    assert publication.image == "ghcr.io/acme/api"
    assert publication.build_source == BuildSource("dockerfile", "app/Dockerfile")
    assert publication.triggers == ["push:tags=v*"]


def test_the_default_goal_and_the_environment_over_a_conditional_default(
    make_repo: RepoFactory,
) -> None:
    """`make` alone builds the first target; `IMAGE ?=` gives way to the step's env."""
    repo = make_repo(
        {
            WF: _workflow("make", env="    env:\n      IMAGE: quay.io/acme/from-env\n"),
            "Makefile": MAKEFILE,
        }
    )
    result, _ = scan(repo)
    assert [p.image_resolved for p in result.publications] == ["quay.io/acme/from-env"]


def test_make_in_a_directory_with_overrides_and_recursive_make(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: _workflow("make -C deploy ship REGISTRY=ghcr.io/acme"),
            "deploy/Makefile": (
                "ship:\n"
                "\t$(MAKE) push NAME=worker\n"
                "push:\n"
                "\tpodman push $(REGISTRY)/$(NAME):1\n"
                "\t./sign.sh $(REGISTRY)/$(NAME)\n"
            ),
            "deploy/sign.sh": 'cosign sign "$1"\n',
        }
    )
    result, problems = scan(repo)
    (publication,) = result.publications
    assert (publication.path, publication.line) == ("deploy/Makefile", 4)
    assert publication.via == "deploy/Makefile -> deploy/Makefile"
    # NAME is given to the inner make; REGISTRY only to the outer one, so the inner make takes
    # it from the environment, where it is unknown: an honest problem, not a guess.
    assert publication.image == "${REGISTRY}/worker"
    assert problems == [
        Problem(
            "deploy/Makefile", 4,
            "job `publish` pushes an image whose name is only known at run time "
            "(`${REGISTRY}/worker`); set artifact.images in .release-gate.yaml to match it",
        )
    ]
    # The recipe's script signs what the recipe pushed.
    signing = publication.signing
    assert signing is not None
    assert (signing.tool, signing.path, signing.line) == ("cosign", "deploy/sign.sh", 1)


def test_a_makefile_named_with_f_and_a_missing_one(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: _workflow("make -f ci/release.mk publish && make -C nowhere publish"),
            "ci/release.mk": "publish:\n\tcrane push out.tar ghcr.io/acme/ci:1\n",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    assert [(p.path, p.line, p.image_resolved or p.image) for p in result.publications] == [
        ("ci/release.mk", 2, "ghcr.io/acme/ci")
    ]


def test_make_calling_make_past_the_depth_limit_is_a_problem(make_repo: RepoFactory) -> None:
    levels = "".join(
        f"level{i}:\n\t$(MAKE) level{i + 1}\n" for i in range(MAX_SCRIPT_DEPTH + 1)
    )
    repo = make_repo(
        {
            WF: _workflow("make level0"),
            "Makefile": levels + f"level{MAX_SCRIPT_DEPTH + 1}:\n\tdocker push ghcr.io/a/b:1\n",
        }
    )
    result, problems = scan(repo)
    assert result.publications == []
    assert problems == [
        Problem(
            "Makefile", 2 * MAX_SCRIPT_DEPTH,
            f"`Makefile` is not followed: it is more than {MAX_SCRIPT_DEPTH} levels of local "
            "actions, reusable workflows, scripts and make calls deep",
        )
    ]
