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
    assert problems == []
    (publication,) = result.publications
    assert (publication.path, publication.line) == ("deploy/Makefile", 4)
    assert publication.via == "deploy/Makefile -> deploy/Makefile"
    # REGISTRY from the outer make's command line reaches the inner make, as MAKEFLAGS carries
    # it; NAME is the inner make's own.
    assert publication.image == "ghcr.io/acme/worker"
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


def _images(make_repo: RepoFactory, files: dict[str, str], run: str, env: str = "") -> list[str]:
    result, _ = scan(make_repo({WF: _workflow(run, env), **files}))
    return [p.image_resolved or p.image for p in result.publications]


PUSH_HERE = {
    "Makefile": "push:\n\tdocker push ghcr.io/root/app:1\n",
    "deploy/Makefile": "push:\n\tdocker push ghcr.io/deploy/app:1\n",
}


def test_make_runs_where_cd_went(make_repo: RepoFactory) -> None:
    assert _images(make_repo, PUSH_HERE, "cd deploy && make push") == ["ghcr.io/deploy/app"]
    assert _images(make_repo, PUSH_HERE, "make push") == ["ghcr.io/root/app"]
    # A recipe that changes directory before calling make.
    files = {**PUSH_HERE, "Makefile": "release:\n\tcd deploy && $(MAKE) push\n"}
    assert _images(make_repo, files, "make release") == ["ghcr.io/deploy/app"]


def test_make_after_cd_to_an_unknown_place_is_a_problem(make_repo: RepoFactory) -> None:
    repo = make_repo({WF: _workflow('cd "$RUNNER_TEMP/x" && make push'), **PUSH_HERE})
    result, problems = scan(repo)
    assert result.publications == []
    assert problems == [
        Problem(WF, 9, "`make` here is not followed: the directory it runs in (after `cd`) is "
                "only known at run time")
    ]


REGISTRY_MAKEFILE = {
    "Makefile": "REGISTRY ?= localhost:5000\npush:\n\tdocker push $(REGISTRY)/app:1\n"
                "\tdocker push $$IMAGE:1\n",
}


def test_the_environment_make_gets_from_its_command_line(make_repo: RepoFactory) -> None:
    env = "    env:\n      REGISTRY: docker.io/wrong\n      IMAGE: docker.io/wrong/image\n"
    run = "REGISTRY=ghcr.io/right make push IMAGE=ghcr.io/right/image"
    assert _images(make_repo, REGISTRY_MAKEFILE, run, env) == [
        "ghcr.io/right/app", "ghcr.io/right/image",
    ]
    assert _images(make_repo, REGISTRY_MAKEFILE, "make push", env) == [
        "docker.io/wrong/app", "docker.io/wrong/image",
    ]


def test_a_value_only_make_knows_is_not_taken_from_the_environment(
    make_repo: RepoFactory,
) -> None:
    files = {
        "Makefile": "ifeq ($(CI),true)\nREGISTRY = ghcr.io/org\nelse\nREGISTRY = localhost\n"
                    "endif\npush:\n\tdocker push $(REGISTRY)/app:1\n",
    }
    env = "    env:\n      REGISTRY: docker.io/wrong\n"
    repo = make_repo({WF: _workflow("make push", env), **files})
    result, problems = scan(repo)
    assert [p.image for p in result.publications] == ["$(REGISTRY)/app"]
    assert [(p.path, p.line) for p in problems] == [("Makefile", 7)]


def test_ignored_failures_and_dry_runs(make_repo: RepoFactory) -> None:
    files = {
        "Makefile": "push:\n\t-trivy image --exit-code 1 ghcr.io/a/app:1\n"
                    "\tdocker push ghcr.io/a/app:1\n\t+docker push ghcr.io/a/always:1\n",
    }
    result, _ = scan(make_repo({WF: _workflow("make push"), **files}))
    scanned = result.publications[0].vuln_scan
    assert scanned is not None and (scanned.line, scanned.blocking) == (2, False)
    result, _ = scan(make_repo({WF: _workflow("make --ignore-errors push"), **files}))
    assert [p.image for p in result.publications] == ["ghcr.io/a/app", "ghcr.io/a/always"]
    # Under -n make prints the recipe instead of running it, except `+` lines.
    assert _images(make_repo, files, "make -n push") == ["ghcr.io/a/always"]


def test_goals_from_variables(make_repo: RepoFactory) -> None:
    env = "    env:\n      TARGET: push\n"
    assert _images(make_repo, PUSH_HERE, "make $TARGET", env) == ["ghcr.io/root/app"]
    repo = make_repo({WF: _workflow("make ${{ github.event.inputs.goal }}"), **PUSH_HERE})
    result, problems = scan(repo)
    assert result.publications == []
    assert [p.message for p in problems] == [
        "`make` goal `${{ github.event.inputs.goal }}` is only known at run time; its recipe is "
        "not read"
    ]


def test_the_same_make_called_again_is_read_once(make_repo: RepoFactory) -> None:
    """Read each time, the 100 x 100 calls below would pass the 16 MiB shell budget (each line
    carries 2 KB) and be reported as not read."""
    padding = "# " + "x" * 2000
    calls = "".join(f"\t$(MAKE) b {padding}\n" for _ in range(100))
    repo = make_repo({
        WF: _workflow("make a"),
        "Makefile": f"a:\n{calls}b:\n{calls.replace('b ', 'c ')}c:\n\tdocker push ghcr.io/a/b:1\n",
    })
    result, problems = scan(repo)
    assert problems == []
    assert [(p.path, p.line) for p in result.publications] == [("Makefile", 204)]


def test_exported_variables_reach_make_and_its_recipes(make_repo: RepoFactory) -> None:
    env = "    env:\n      IMAGE: docker.io/wrong/image\n"
    files = {
        "Makefile": "REGISTRY ?= localhost:5000\nexport IMAGE = $(REGISTRY)/exported\n"
                    "push:\n\tdocker push $(REGISTRY)/app:1\n\tdocker push $$IMAGE:1\n",
    }
    # Exported by the caller: make sees it, and its `?=` gives way.
    assert _images(make_repo, files, "export REGISTRY=ghcr.io/right; make push", env) == [
        "ghcr.io/right/app", "ghcr.io/right/exported",
    ]
    # A plain shell variable is not in make's environment.
    assert _images(make_repo, files, "REGISTRY=ghcr.io/unseen; make push", env) == [
        "localhost:5000/app", "localhost:5000/exported",
    ]


def test_cd_in_a_subshell_substitution_or_function_stays_there(make_repo: RepoFactory) -> None:
    run = (
        "|\n"
        "          build() { cd deploy; }\n"
        "          HERE=$(cd deploy && pwd)\n"
        "          (cd deploy && make push)\n"
        "          make push"
    )
    assert _images(make_repo, PUSH_HERE, run) == ["ghcr.io/deploy/app", "ghcr.io/root/app"]


def test_scripts_and_inline_shells_run_where_cd_went(make_repo: RepoFactory) -> None:
    files = {
        **PUSH_HERE,
        "release.sh": "docker push ghcr.io/root/script:1\n",
        "deploy/release.sh": "docker push ghcr.io/deploy/script:1\n",
    }
    assert _images(make_repo, files, "cd deploy && ./release.sh && bash -c 'make push'") == [
        "ghcr.io/deploy/script", "ghcr.io/deploy/app",
    ]
    # After a cd known only at run time, a script is looked up from the step's directory, as
    # before cd was followed (release scripts mostly cd back to the root first).
    loop = (
        "|\n"
        '          for svc in a b; do cd "$svc"; echo "$svc"; cd ..; done\n'
        '          cd "$ROOT" && ./release.sh'
    )
    repo = make_repo({WF: _workflow(loop), **files})
    result, problems = scan(repo)
    assert problems == []
    assert [p.image for p in result.publications] == ["ghcr.io/root/script"]


def test_output_options_are_not_a_dry_run(make_repo: RepoFactory) -> None:
    for run in ("make -j4 -Otarget push", "make -Onone push", "make --jobs push"):
        assert _images(make_repo, PUSH_HERE, run) == ["ghcr.io/root/app"], run


def test_a_default_goal_that_cannot_be_named_is_a_problem(make_repo: RepoFactory) -> None:
    files = {"common.mk": "help:\n\techo help\n",
             "Makefile": "include common.mk\nrelease:\n\tdocker push ghcr.io/a/b:1\n"}
    repo = make_repo({WF: _workflow("make"), **files})
    result, problems = scan(repo)
    assert result.publications == []
    assert [p.message for p in problems] == [
        "`make` here runs the default goal of Makefile, which cannot be named without running "
        "make (its first target is written with a variable, in a conditional or in an included "
        "file); its recipes are not read"
    ]



def test_pushd_popd_cd_back_and_the_workspace(make_repo: RepoFactory) -> None:
    files = {
        "Makefile": "a:\n\tdocker push ghcr.io/root/a:1\nb:\n\tdocker push ghcr.io/root/b:1\n",
        "deploy/Makefile": "a:\n\tdocker push ghcr.io/deploy/a:1\n"
                           "b:\n\tdocker push ghcr.io/deploy/b:1\n",
    }
    run = (
        "|\n"
        "          pushd deploy; make a; popd\n"
        "          make a\n"
        "          cd deploy; cd -; make b\n"
        '          cd "$GITHUB_WORKSPACE/deploy" && make b'
    )
    assert _images(make_repo, files, run) == [
        "ghcr.io/deploy/a", "ghcr.io/root/a", "ghcr.io/root/b", "ghcr.io/deploy/b",
    ]


def test_oneshell_and_environment_overrides(make_repo: RepoFactory) -> None:
    files = {
        **PUSH_HERE,
        "Makefile": ".ONESHELL:\nrelease:\n\tcd deploy\n\t# a comment line\n\t$(MAKE) push\n"
                    "REGISTRY = localhost:5000\npush-registry:\n\tdocker push $(REGISTRY)/app:1\n",
    }
    assert _images(make_repo, files, "make release") == ["ghcr.io/deploy/app"]
    env = "    env:\n      REGISTRY: ghcr.io/env\n"
    assert _images(make_repo, files, "make push-registry", env) == ["localhost:5000/app"]
    assert _images(make_repo, files, "make -e push-registry", env) == ["ghcr.io/env/app"]


def test_sub_makes_inherit_e_n_and_i(make_repo: RepoFactory) -> None:
    files = {
        "Makefile": "REGISTRY = localhost:5000\nrelease:\n\t$(MAKE) push\n"
                    "push:\n\t-trivy image --exit-code 1 x:1\n\tdocker push $(REGISTRY)/app:1\n",
    }
    env = "    env:\n      REGISTRY: ghcr.io/env\n"
    assert _images(make_repo, files, "make -e release", env) == ["ghcr.io/env/app"]
    assert _images(make_repo, files, "make -n release", env) == []
    oneshell = {**PUSH_HERE, "Makefile": ".ONESHELL:\nrelease:\n\tcd deploy\n\t$(MAKE) push\n"
                                         "push:\n\tdocker push ghcr.io/root/app:1\n"}
    assert _images(make_repo, oneshell, "make -n release") == []


def test_e_leaves_target_specific_values_and_reaches_exports(make_repo: RepoFactory) -> None:
    files = {
        "Makefile": "push: REGISTRY = localhost:5000\nexport IMAGE = localhost:5000/exported\n"
                    "push:\n\tdocker push $(REGISTRY)/app:1\n\tdocker push $$IMAGE:1\n",
    }
    env = "    env:\n      REGISTRY: ghcr.io/env\n      IMAGE: ghcr.io/env/image\n"
    assert _images(make_repo, files, "make -e push", env) == [
        "localhost:5000/app", "ghcr.io/env/image",
    ]


def test_paths_written_from_the_workspace(make_repo: RepoFactory) -> None:
    files = {**PUSH_HERE, "scripts/push.sh": "docker push ghcr.io/root/script:1\n"}
    run = (
        "|\n"
        '          make -C "$GITHUB_WORKSPACE/deploy" push\n'
        '          cd "$RUNNER_TEMP"\n'
        "          bash ${{ github.workspace }}/scripts/push.sh\n"
        "          ./cosign version"
    )
    repo = make_repo({WF: _workflow(run), **files})
    result, problems = scan(repo)
    assert problems == []
    assert [p.image for p in result.publications] == ["ghcr.io/deploy/app", "ghcr.io/root/script"]
    step = (
        "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - working-directory: ${{ github.workspace }}/deploy\n        run: make push\n"
    )
    result, _ = scan(make_repo({WF: workflow(step), **files}))
    assert [p.image for p in result.publications] == ["ghcr.io/deploy/app"]
    repo = make_repo({WF: _workflow("make -C $DIR push"), **files})
    result, problems = scan(repo)
    assert [p.message for p in problems] == [
        "`make` here is not followed: where it runs or which Makefile it reads (`$DIR`) is only "
        "known at run time"
    ]


def test_cd_idioms_for_the_scripts_directory_and_the_top_level(make_repo: RepoFactory) -> None:
    files = {
        **PUSH_HERE,
        "scripts/release.sh": 'cd "$(dirname "$0")/../deploy"\nmake push\n'
                              "cd \"$(git rev-parse --show-toplevel)\" && make push\n",
        "deploy/release.sh": "docker push ghcr.io/deploy/script:1\n",
        "release.sh": "docker push ghcr.io/root/script:1\n",
    }
    assert _images(make_repo, files, "./scripts/release.sh") == [
        "ghcr.io/deploy/app", "ghcr.io/root/app",
    ]
    for idiom in ('cd -- "$(dirname -- "$0")/../deploy"', 'cd "${0%/*}/../deploy"'):
        other = {**files, "scripts/other.sh": f"{idiom} && ./release.sh\n"}
        assert _images(make_repo, other, "./scripts/other.sh") == ["ghcr.io/deploy/script"], idiom


def test_a_cd_in_a_pipeline_stays_there_and_popd_on_an_empty_stack(make_repo: RepoFactory) -> None:
    run = "|\n          cd deploy | tee log\n          make push\n          popd\n          make push"
    repo = make_repo({WF: _workflow(run), **PUSH_HERE})
    result, problems = scan(repo)
    assert [p.image for p in result.publications] == ["ghcr.io/root/app"]
    assert [p.message for p in problems] == [
        "`make` here is not followed: the directory it runs in (after `cd`) is only known at run "
        "time"
    ]


def test_an_optional_include_does_not_hide_the_default_goal(make_repo: RepoFactory) -> None:
    files = {"Makefile": "-include .env\nIMAGE ?= ghcr.io/acme/app\nrelease:\n"
                         "\tdocker push $(IMAGE):1\n"}
    assert _images(make_repo, files, "make") == ["ghcr.io/acme/app"]


def test_oneshell_keeps_each_command_at_its_line(make_repo: RepoFactory) -> None:
    files = {"Makefile": ".ONESHELL:\nrelease:\n\techo one\n\n\t# a comment\n\tdocker build \\\n"
                         "\t  -t x .\n\tdocker push ghcr.io/acme/one:1\n"}
    result, _ = scan(make_repo({WF: _workflow("make release"), **files}))
    assert [(p.path, p.line) for p in result.publications] == [("Makefile", 8)]


def test_a_function_that_changes_directory_moves_its_caller(make_repo: RepoFactory) -> None:
    run = (
        "|\n"
        "          into_deploy() { cd deploy; }\n"
        "          in_subshell() ( cd deploy )\n"
        "          say() { echo here; }\n"
        "          in_subshell; make push\n"
        "          into_deploy; say; make push"
    )
    assert _images(make_repo, PUSH_HERE, run) == ["ghcr.io/root/app", "ghcr.io/deploy/app"]
