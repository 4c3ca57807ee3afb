"""Makefiles read as GNU make would run them, without running anything."""

from __future__ import annotations

from wizard.scan.make_call import MakeCall, make_call
from wizard.scan.makefile import Makefile, RecipeLine, parse_makefile

MAKEFILE = """\
REGISTRY = ghcr.io/acme
IMAGE ?= $(REGISTRY)/api
TAG := $(shell git describe --tags)
FLAGS = --pull
FLAGS += --no-cache
ifeq ($(CI),true)
CHANNEL := stable
else
CHANNEL := edge
endif
define NOTES
docker push not-a-recipe
endef

.PHONY: all build push
all: push

build:
\tdocker build $(FLAGS) -t $(IMAGE):$(TAG) -f app/Dockerfile .

push: PUSH_TAG = $(CHANNEL)
push: build sign
\t@docker push $(IMAGE):$(TAG)
\t-docker push $(IMAGE):$(PUSH_TAG) && echo "$$HOME" $@ $< $^

sign: build
\t+cosign sign $(IMAGE)@$(DIGEST) $(NOTES)
"""


def _recipe(makefile: Makefile, target: str, index: int = 0, goals: list[str] | None = None,
            overrides: dict[str, str] | None = None, environment: tuple[str, ...] = ()) -> str:
    """Recipe line `index` of `target` as the shell gets it, building `goals`."""
    scoped = dict(makefile.build_order(goals or [target]))[target]
    text = makefile.rules[target].recipe[index].text
    expanded = makefile.expand(text, target, scoped, overrides or {}, environment.__contains__)
    return makefile.shell_text(expanded)


def test_rules_prerequisites_and_the_default_goal() -> None:
    makefile = parse_makefile(MAKEFILE)
    assert makefile.default_goal == "all"
    assert {name: (rule.line, rule.prerequisites) for name, rule in makefile.rules.items()} == {
        ".PHONY": (15, ["all", "build", "push"]),
        "all": (16, ["push"]),
        "build": (18, []),
        "push": (22, ["build", "sign"]),
        "sign": (26, ["build"]),
    }
    assert makefile.rules["push"].recipe == [
        RecipeLine(23, "docker push $(IMAGE):$(TAG)"),
        RecipeLine(24, 'docker push $(IMAGE):$(PUSH_TAG) && echo "$$HOME" $@ $< $^', True),
    ]
    assert makefile.rules["sign"].recipe == [
        RecipeLine(27, "cosign sign $(IMAGE)@$(DIGEST) $(NOTES)", always=True)
    ]
    # Prerequisites first, each target once.
    assert [t for t, _ in makefile.build_order(["all"])] == ["build", "sign", "push", "all"]
    assert [t for t, _ in makefile.build_order(["sign", "build"])] == ["build", "sign"]
    assert makefile.build_order(["missing"]) == []


def test_recipe_text_is_what_make_hands_the_shell() -> None:
    makefile = parse_makefile(MAKEFILE)
    # `:=` of a function is unknown: left as `$(TAG)`, which the shell cannot know either.
    assert _recipe(makefile, "build") == (
        "docker build --pull --no-cache -t ghcr.io/acme/api:$(TAG) -f app/Dockerfile ."
    )
    # CHANNEL is set in both branches of an ifeq: unknown, not taken from the environment.
    assert _recipe(makefile, "push", 1) == (
        'docker push ghcr.io/acme/api:$(CHANNEL) && echo "$HOME" push build build sign'
    )
    # A name the file never sets comes from the environment; a command-line value wins over
    # the file, and the environment over `?=`; `define` is unknown.
    assert _recipe(makefile, "sign") == "cosign sign ghcr.io/acme/api@${DIGEST} $(NOTES)"
    assert _recipe(makefile, "sign", overrides={"DIGEST": "sha256:1", "REGISTRY": "quay.io/x"}) == (
        "cosign sign quay.io/x/api@sha256:1 $(NOTES)"
    )
    assert _recipe(makefile, "sign", environment=("IMAGE",)) == (
        "cosign sign ${IMAGE}@${DIGEST} $(NOTES)"
    )


def test_simple_assignment_expands_where_it_is_written() -> None:
    makefile = parse_makefile(
        "REG = ghcr.io/one\nIMAGE := $(REG)/app\nLAZY = $(REG)/lazy\nREG = ghcr.io/two\n"
        "push:\n\tdocker push $(IMAGE) $(LAZY) $(FROM_ENV)\n"
    )
    assert _recipe(makefile, "push") == "docker push ghcr.io/one/app ghcr.io/two/lazy ${FROM_ENV}"


def test_target_variables_reach_prerequisites_and_append_to_the_global_value() -> None:
    makefile = parse_makefile(
        "TAG = latest\nOPTS = --tls-verify=true\n"
        "release: TAG = stable\nrelease: push\n"
        "push: OPTS += --quiet\npush:\n\tpodman push $(OPTS) ghcr.io/a/b:$(TAG)\n"
    )
    assert _recipe(makefile, "push", goals=["release"]) == (
        "podman push --tls-verify=true --quiet ghcr.io/a/b:stable"
    )
    assert _recipe(makefile, "push") == "podman push --tls-verify=true --quiet ghcr.io/a/b:latest"


def test_double_colon_rules_all_run_and_a_later_recipe_replaces_an_earlier_one() -> None:
    makefile = parse_makefile(
        "push::\n\tdocker push a\npush::\n\tdocker push b\n"
        "tag:\n\techo old\ntag:\n\techo new\n"
    )
    assert [line.text for line in makefile.rules["push"].recipe] == [
        "docker push a", "docker push b",
    ]
    assert [line.text for line in makefile.rules["tag"].recipe] == ["echo new"]


def test_a_default_goal_this_reading_cannot_name_is_unknown() -> None:
    assert parse_makefile("BIN = app\n$(BIN): main.go\n\tgo build\npush:\n\tdocker push x\n"
                          ).default_goal is None
    assert parse_makefile("ifdef CI\nci:\n\techo\nendif\npush:\n\techo\n").default_goal is None
    assert parse_makefile(".PHONY: push\n%.o: %.c\n\tcc\npush:\n\techo\n").default_goal == "push"
    assert parse_makefile("a:\n\techo\n.DEFAULT_GOAL := b\nb:\n\techo\n").default_goal == "b"


def test_with_an_include_a_name_the_file_does_not_set_is_unknown() -> None:
    makefile = parse_makefile("include vars.mk\nA = known\npush:\n\tdocker push $(A)/$(REG)\n")
    assert _recipe(makefile, "push") == "docker push known/$(REG)"


def test_a_variable_referring_to_itself_stops_expanding() -> None:
    makefile = parse_makefile("A = x$(A)\nt:\n\techo $(A)\n")
    text = _recipe(makefile, "t")
    assert text.startswith("echo xxxx") and len(text) < 5000


def test_a_broken_makefile_keeps_what_parses() -> None:
    makefile = parse_makefile("not make (\npush:\n\tdocker push x\n")
    assert [line.text for line in makefile.rules["push"].recipe] == ["docker push x"]
    # An unclosed construct may swallow the rest; nothing raises.
    assert parse_makefile("ifeq (\n\t\tpush:: :\n$(\ntarget: ; echo one\n\x00").rules == {}


def test_make_calls_and_their_options() -> None:
    assert make_call(["docker", "push"]) is None
    assert make_call(["make"]) == MakeCall()
    assert make_call(["/usr/bin/gmake", "-C", "deploy", "-j", "4", "push", "TAG=1", "-s"]) == (
        MakeCall(directory="deploy", overrides={"TAG": "1"}, goals=["push"])
    )
    assert make_call(["make", "--directory=a", "-Cb", "-fci.mk", "--", "x"]) == MakeCall(
        directory="a/b", file="ci.mk", goals=["x"]
    )
    assert make_call(["make", "--file", "other.mk", "-j8", "all"]) == MakeCall(
        file="other.mk", goals=["all"]
    )
    # Clusters: a value option takes the rest of the word or the next word.
    assert make_call(["make", "-sC", "deploy", "-kj", "2", "push"]) == MakeCall(
        directory="deploy", goals=["push"]
    )
    assert make_call(["make", "-ik", "push"]) == MakeCall(goals=["push"], ignore_errors=True)
    assert make_call(["make", "-n", "push"]) == MakeCall(goals=["push"], dry_run=True)
    assert make_call(["make", "--dry-run", "--ignore-errors"]) == MakeCall(
        ignore_errors=True, dry_run=True
    )
    assert make_call(["make", "-se", "push"]) == MakeCall(goals=["push"], environment_first=True)
    assert make_call(["make", "-Otarget", "--jobs", "push", "--eval=X=1"]) == MakeCall(
        goals=["push"]
    )


def test_simple_assignment_sees_the_command_line_and_the_environment() -> None:
    makefile = parse_makefile(
        "REGISTRY ?= localhost:5000\nIMG := $(REGISTRY)/app\nREGISTRY = ghcr.io/later\n"
        "push:\n\tdocker push $(IMG):1\n"
    )
    assert _recipe(makefile, "push") == "docker push localhost:5000/app:1"
    assert _recipe(makefile, "push", overrides={"REGISTRY": "ghcr.io/cli"}) == (
        "docker push ghcr.io/cli/app:1"
    )
    assert _recipe(makefile, "push", environment=("REGISTRY",)) == (
        "docker push ${REGISTRY}/app:1"
    )


def test_override_comments_and_an_include_before_the_first_rule() -> None:
    makefile = parse_makefile(
        "override IMAGE = ghcr.io/over/x # the image\nIMAGE = ghcr.io/plain/x\n"
        "TAG ?= 1.2 # the tag\nFILE = a\\#b\n"
        "push:\n\tdocker push $(IMAGE):$(TAG) -f $(FILE) && cosign sign $(IMAGE)\n"
    )
    assert _recipe(makefile, "push", overrides={"IMAGE": "ghcr.io/cli/x"}) == (
        "docker push ghcr.io/over/x:1.2 -f a\\#b && cosign sign ghcr.io/over/x"
    )
    assert parse_makefile("include common.mk\nrelease:\n\techo\n").default_goal is None


def test_expansion_stays_bounded_on_a_hostile_makefile() -> None:
    references = "$(B)" * 20_000
    makefile = parse_makefile(f"B = {'x' * 100_000}\nt:\n\techo {references}\n")
    text = _recipe(makefile, "t")
    assert text.startswith("echo $(B)") and len(text) < 100_000


def test_a_hash_inside_a_function_is_not_a_comment() -> None:
    makefile = parse_makefile(
        "TAG = $(shell echo $${REF#refs/tags/}) # the tag\npush:\n\tdocker push x:$(TAG)\n"
    )
    assert _recipe(makefile, "push") == "docker push x:$(shell echo ${REF#refs/tags/})"
