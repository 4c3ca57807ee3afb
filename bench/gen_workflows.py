"""Generated GitHub Actions: workflows, reusable workflows, composite actions and CI scripts.

The mix follows a large monorepo: most workflows test and lint and publish nothing; the rest
publish service images through build-push-action, shell scripts, matrices, reusable workflows,
local composite actions and repository scripts; a few build flake packages with Nix.
"""

from __future__ import annotations

import random

from vocab import Service, gh
from workflow_steps import (
    STEP,
    WITH,
    attestation,
    build_push,
    checkout,
    login,
    metadata,
    shell_push,
    signing,
    test_steps,
    triggers,
    vulnerability_scan,
)

# Share of the generated workflows per kind; plain CI takes what is left.
MIX = (
    ("reusable", 0.02),
    ("caller", 0.08),
    ("build-push", 0.18),
    ("shell", 0.10),
    ("matrix", 0.07),
    ("composite", 0.08),
    ("script", 0.04),
    ("nix", 0.01),
)
COMPOSITE_ACTIONS = 30
CI_SCRIPTS = 40
FLAKE_TOOLS = 24
"""Flake packages `tool-0` … `tool-23` that the Nix workflows build (see gen_infra.flake_nix)."""

BUILDX = f"{STEP}- uses: docker/setup-buildx-action@v3"

Files = dict[str, str]


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _header(name: str, on: list[str], id_token: bool) -> list[str]:
    lines = [f"name: {name}", "", *on, "", "permissions:", "  contents: read"]
    if id_token:
        lines += ["  packages: write", "  id-token: write"]
    return [*lines, "", "jobs:"]


def _job(name: str, runs_on: str = "ubuntu-latest") -> list[str]:
    return [f"  {name}:", f"    runs-on: {runs_on}", "    steps:"]


def _push_value(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return "true"
    if roll < 0.9:
        return gh("github.event_name != 'pull_request'")
    return gh("github.ref == 'refs/heads/main'")


def _build_push_workflow(rng: random.Random, svc: Service) -> list[str]:
    lines = _header(f"Image {svc.name}", triggers(rng, publishing=True), rng.random() < 0.7)
    lines += _job("image")
    if rng.random() < 0.3:
        # A job's permissions replace the workflow's; they do not merge.
        lines[-1:-1] = ["    permissions:", "      contents: read", "      packages: write"]
    lines += [*checkout(), BUILDX, *login(svc.registry)]
    if rng.random() < 0.7:
        lines += metadata(svc.image)
        tags = gh("steps.meta.outputs.tags")
    else:
        tags = f"{svc.image}:{gh('github.sha')}"
    lines += build_push(rng, svc.directory, tags, _push_value(rng))
    reference = f"{svc.image}@{gh('steps.build.outputs.digest')}"
    lines += vulnerability_scan(rng, reference) + signing(rng, svc.image)
    return lines + attestation(rng, svc.image)


def _shell_workflow(rng: random.Random, svc: Service) -> list[str]:
    lines = _header(f"Publish {svc.name}", triggers(rng, publishing=True), rng.random() < 0.5)
    lines += _job("publish") + checkout() + login(svc.registry)
    lines += shell_push(rng, svc.image, svc.directory)
    return lines + vulnerability_scan(rng, f"{svc.image}:{gh('github.sha')}")


def _matrix_workflow(rng: random.Random, group: list[Service]) -> list[str]:
    registry = group[0].registry
    lines = _header(f"Images {group[0].name.split('-')[0]}", triggers(rng, publishing=True), True)
    names = ", ".join(s.name for s in group)
    lines += [
        "  images:",
        "    runs-on: ubuntu-latest",
        "    strategy:",
        "      fail-fast: false",
        "      matrix:",
        f"        service: [{names}]",
        "    steps:",
    ]
    lines += [*checkout(), BUILDX, *login(registry)]
    image = f"{registry}/{gh('matrix.service')}"
    lines += build_push(rng, f"services/{gh('matrix.service')}", f"{image}:{gh('github.sha')}",
                        _push_value(rng))
    return lines + signing(rng, image)


def _reusable_workflow(rng: random.Random, registry: str) -> list[str]:
    lines = [
        "name: Reusable image build",
        "",
        "on:",
        "  workflow_call:",
        "    inputs:",
        "      service:",
        "        required: true",
        "        type: string",
        "      push:",
        "        required: false",
        "        type: boolean",
        "        default: true",
        "",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      contents: read",
        "      packages: write",
        "      id-token: write",
        "    steps:",
    ]
    image = f"{registry}/{gh('inputs.service')}"
    lines += [*checkout(), BUILDX, *login(registry)]
    lines += build_push(rng, f"services/{gh('inputs.service')}", f"{image}:{gh('github.sha')}",
                        gh("inputs.push"))
    return lines + vulnerability_scan(rng, f"{image}@{gh('steps.build.outputs.digest')}") + \
        signing(rng, image)


def _caller_workflow(rng: random.Random, svc: Service, reusable: str) -> list[str]:
    lines = _header(f"Release {svc.name}", triggers(rng, publishing=True), False)
    lines += _job("test") + checkout() + test_steps(rng, svc.language, svc.directory)
    return [
        *lines,
        "  image:",
        "    needs: test",
        f"    uses: ./{reusable}",
        "    permissions:",
        "      contents: read",
        "      packages: write",
        "      id-token: write",
        "    with:",
        f"      service: {svc.name}",
        "      push: " + gh("github.ref == 'refs/heads/main'"),
        "    secrets: inherit",
    ]


def _composite_action(rng: random.Random, index: int) -> list[str]:
    """A local action that publishes (build-push or shell) or only sets a toolchain up."""
    lines = [f"name: Publish image {index}", "description: Build, push and sign an image",
             "inputs:", "  image:", "    description: registry/owner/name", "    required: true",
             "  context:", "    description: build context", '    default: "."',
             "runs:", "  using: composite", "  steps:"]
    step, inner = "    ", "        "
    if index % 3 == 0:
        lines += [f"{step}- shell: bash", f"{step}  run: |",
                  f"{step}    docker build -t \"{gh('inputs.image')}:{gh('github.sha')}\" "
                  f"{gh('inputs.context')}",
                  f"{step}    docker push \"{gh('inputs.image')}:{gh('github.sha')}\""]
    elif index % 3 == 1:
        lines += [f"{step}- id: build", f"{step}  uses: docker/build-push-action@v6",
                  f"{step}  with:", f"{inner}context: {gh('inputs.context')}",
                  f"{inner}push: true", f"{inner}tags: {gh('inputs.image')}:{gh('github.sha')}"]
        if rng.random() < 0.6:
            lines += [f"{step}- uses: sigstore/cosign-installer@v3", f"{step}- shell: bash",
                      f"{step}  run: cosign sign --yes "
                      f"\"{gh('inputs.image')}@{gh('steps.build.outputs.digest')}\""]
    else:
        lines += [f"{step}- uses: actions/setup-node@v4", f"{step}  with:",
                  f"{inner}node-version: 22", f"{step}- shell: bash",
                  f"{step}  run: npm ci --prefix {gh('inputs.context')}"]
    return lines


def _composite_workflow(rng: random.Random, svc: Service, action: str) -> list[str]:
    lines = _header(f"Ship {svc.name}", triggers(rng, publishing=True), rng.random() < 0.5)
    lines += _job("ship") + checkout() + login(svc.registry)
    return [*lines, f"{STEP}- uses: ./{action}", f"{STEP}  with:",
            f"{WITH}image: {svc.image}", f"{WITH}context: {svc.directory}"]


def _ci_script(index: int) -> str:
    push = ("docker push", "podman push", "docker buildx build --push -t")[index % 3]
    lines = ["#!/usr/bin/env bash", "# Build and publish one service image.", "set -euo pipefail",
             "", 'image="${1:?usage: $0 IMAGE [TAG]}"', 'tag="${2:-latest}"',
             'context="${CONTEXT:-.}"', ""]
    if push.startswith("docker buildx"):
        lines += [f'{push} "$image:$tag" "$context"']
    else:
        builder = push.split()[0]
        lines += [f'{builder} build -t "$image:$tag" "$context"', f'{push} "$image:$tag"']
    return _text([*lines, 'echo "published $image:$tag"'])


def _script_workflow(rng: random.Random, svc: Service, script: str) -> list[str]:
    lines = _header(f"Publish {svc.name} (script)", triggers(rng, publishing=True), False)
    lines += _job("publish") + checkout() + login(svc.registry)
    call = f"./{script}" if rng.random() < 0.5 else f"bash {script}"
    return [*lines, f"{STEP}- run: {call} {svc.image} {gh('github.sha')}", f"{STEP}  env:",
            f"{WITH}CONTEXT: {svc.directory}"]


def _nix_workflow(rng: random.Random, index: int) -> list[str]:
    attr = f"tool-{index % FLAKE_TOOLS}"
    lines = _header(f"Nix {attr}", triggers(rng, publishing=False), False)
    lines += _job("nix") + checkout() + [
        f"{STEP}- uses: DeterminateSystems/nix-installer-action@v16",
        f"{STEP}- uses: DeterminateSystems/magic-nix-cache-action@v8",
        f"{STEP}- run: nix flake check --print-build-logs",
        f"{STEP}- run: nix build .#{attr}",
    ]
    if index % 4 == 0:
        lines += [f"{STEP}- uses: cachix/cachix-action@v15", f"{STEP}  with:",
                  f"{WITH}name: acme", f"{WITH}authToken: {gh('secrets.CACHIX_AUTH_TOKEN')}",
                  f"{STEP}- run: cachix push acme ./result"]
    if index == 1:
        lines += [f"{STEP}- run: nix run .#docs-site-image.copyToRegistry"]
    return lines


def _plain_workflow(rng: random.Random, svc: Service) -> list[str]:
    lines = _header(f"CI {svc.name}", triggers(rng, publishing=False), False)
    if rng.random() < 0.25:
        lines += ["  test:", "    strategy:", "      matrix:",
                  "        os: [ubuntu-latest, macos-latest]", "    runs-on: " + gh("matrix.os"),
                  "    steps:"]
    else:
        lines += _job("test")
    return lines + checkout() + test_steps(rng, svc.language, svc.directory)


def generate_workflows(seed: int, services: list[Service], count: int) -> Files:
    """`count` workflow files plus the local actions and CI scripts they call."""
    rng = random.Random(f"{seed}:workflows")
    files: Files = {}
    actions = [f".github/actions/publish-image-{i}" for i in range(COMPOSITE_ACTIONS)]
    for index, action in enumerate(actions):
        files[f"{action}/action.yml"] = _text(_composite_action(rng, index))
    scripts = [f"scripts/ci/publish-{i}.sh" for i in range(CI_SCRIPTS)]
    for index, script in enumerate(scripts):
        files[script] = _ci_script(index)

    kinds = [kind for kind, share in MIX for _ in range(round(share * count))]
    kinds += ["plain"] * (count - len(kinds))
    rng.shuffle(kinds)
    reusables = [f".github/workflows/_image-{i}.yml" for i in range(kinds.count("reusable"))]
    for path in reusables:
        files[path] = _text(_reusable_workflow(rng, rng.choice(services).registry))
    nix_workflows = 0
    for index, kind in enumerate(k for k in kinds if k != "reusable"):
        svc = services[index % len(services)]
        if kind == "caller":
            lines = _caller_workflow(rng, svc, rng.choice(reusables))
        elif kind == "build-push":
            lines = _build_push_workflow(rng, svc)
        elif kind == "shell":
            lines = _shell_workflow(rng, svc)
        elif kind == "matrix":
            lines = _matrix_workflow(rng, rng.sample(services, rng.randint(2, 6)))
        elif kind == "composite":
            lines = _composite_workflow(rng, svc, rng.choice(actions))
        elif kind == "script":
            lines = _script_workflow(rng, svc, rng.choice(scripts))
        elif kind == "nix":
            lines = _nix_workflow(rng, nix_workflows)
            nix_workflows += 1
        else:
            lines = _plain_workflow(rng, svc)
        files[f".github/workflows/{svc.name}-{kind}-{index}.yml"] = _text(lines)
    return files
