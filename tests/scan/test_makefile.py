"""Makefiles read as make would run them, without running anything."""

from __future__ import annotations

from wizard.scan.makefile import MakeCall, make_call, parse_makefile

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
\tcosign sign $(IMAGE)@$(DIGEST)
"""


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
        (23, "docker push $(IMAGE):$(TAG)"),
        (24, 'docker push $(IMAGE):$(PUSH_TAG) && echo "$$HOME" $@ $< $^'),
    ]
    # Prerequisites first, each target once.
    assert makefile.build_order(["all"]) == ["build", "sign", "push", "all"]
    assert makefile.build_order(["sign", "build"]) == ["build", "sign"]
    assert makefile.build_order(["missing"]) == []


def test_recipe_text_is_what_make_hands_the_shell() -> None:
    makefile = parse_makefile(MAKEFILE)
    build, = makefile.rules["build"].recipe
    assert makefile.recipe_text("build", build[1], {}, lambda name: False) == (
        "docker build --pull --no-cache -t ghcr.io/acme/api:$(shell git describe --tags) "
        "-f app/Dockerfile ."
    )
    second = makefile.rules["push"].recipe[1][1]
    # CHANNEL is set in both branches of an ifeq: unknown, so it is left to the environment.
    assert makefile.recipe_text("push", second, {}, lambda name: False) == (
        'docker push ghcr.io/acme/api:${CHANNEL} && echo "$HOME" push build build sign'
    )
    # A command-line override wins; `?=` gives way to the environment.
    sign = makefile.rules["sign"].recipe[0][1]
    assert makefile.recipe_text("sign", sign, {"DIGEST": "sha256:1"}, lambda name: False) == (
        "cosign sign ghcr.io/acme/api@sha256:1"
    )
    assert makefile.recipe_text("sign", sign, {}, lambda name: name == "IMAGE") == (
        "cosign sign ${IMAGE}@${DIGEST}"
    )


def test_a_variable_referring_to_itself_stops_expanding() -> None:
    makefile = parse_makefile("A = x$(A)\nt:\n\techo $(A)\n")
    text = makefile.recipe_text("t", "echo $(A)", {}, lambda name: False)
    assert text.startswith("echo xxxx") and len(text) < 5000


def test_a_broken_makefile_never_raises() -> None:
    makefile = parse_makefile("ifeq (\n\t\tpush:: :\n$(\ntarget: ; echo one\n\x00")
    assert isinstance(makefile.rules, dict)


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
