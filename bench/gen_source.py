"""Generated "other" files: service sources, tests and configs in nested directories.

None of them is a workflow, Markdown or `.tf` file, so they only cost the scanner the file
listing and its path filters, as in a real monorepo. Some YAML here names images (Kubernetes
manifests), which a scanner must not mistake for workflows.
"""

from __future__ import annotations

import random

from gen_workflows import FLAKE_TOOLS
from vocab import WORDS, Service, sentence

Files = dict[str, str]

PACKAGES_PER_SERVICE = 12
_EXTENSIONS = {"python": "py", "go": "go", "typescript": "ts", "rust": "rs", "java": "java"}


def _identifier(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}"


def _source(rng: random.Random, language: str) -> str:
    names = [_identifier(rng) for _ in range(rng.randint(2, 6))]
    comment = "#" if language == "python" else "//"
    lines = [f"{comment} {sentence(rng)}", ""]
    for name in names:
        if language == "python":
            lines += [f"def {name}(value, limit={rng.randint(1, 99)}):",
                      f'    """{sentence(rng, 4, 10)}"""',
                      "    if value > limit:", "        return limit",
                      f"    return value * {rng.randint(2, 9)}", "", ""]
        elif language == "go":
            lines += [f"func {name}(value int) int {{", f"\tif value > {rng.randint(1, 99)} {{",
                      "\t\treturn value", "\t}", f"\treturn value * {rng.randint(2, 9)}", "}", ""]
        elif language == "typescript":
            lines += [f"export function {name}(value: number): number {{",
                      f"  return value > {rng.randint(1, 99)} ? value : value * "
                      f"{rng.randint(2, 9)};", "}", ""]
        elif language == "rust":
            lines += [f"pub fn {name}(value: u64) -> u64 {{",
                      f"    if value > {rng.randint(1, 99)} {{ value }} else {{ value * "
                      f"{rng.randint(2, 9)} }}", "}", ""]
        else:
            lines += [f"    static int {name}(int value) {{",
                      f"        return value > {rng.randint(1, 99)} ? value : value * "
                      f"{rng.randint(2, 9)};", "    }", ""]
    if language == "java":
        lines = [lines[0], "", "final class Helpers {", *lines[2:], "}"]
    return "\n".join(lines) + "\n"


def _manifest(rng: random.Random, svc: Service) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc.name}
spec:
  replicas: {rng.randint(1, 6)}
  template:
    spec:
      containers:
        - name: {svc.name}
          image: {svc.image}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.0
          ports:
            - containerPort: 8080
"""


def _service_files(rng: random.Random, svc: Service) -> Files:
    return {
        f"{svc.directory}/Dockerfile": (
            "FROM cgr.dev/chainguard/wolfi-base:latest\n"
            f"COPY . /srv/{svc.name}\nWORKDIR /srv/{svc.name}\n"
            f'ENTRYPOINT ["/srv/{svc.name}/bin/{svc.name}"]\n'
        ),
        f"{svc.directory}/deploy/deployment.yaml": _manifest(rng, svc),
        f"{svc.directory}/config/settings.json": (
            f'{{"service": "{svc.name}", "port": 8080, "timeout_ms": {rng.randint(100, 5000)}}}\n'
        ),
    }


def _packages(rng: random.Random, svc: Service) -> list[str]:
    """The service's source directories, one to four levels deep (about 15 files each)."""
    areas = ("src", "src", "src", "tests", "internal", "pkg")
    return [f"{svc.directory}/{rng.choice(areas)}/" + "/".join(rng.sample(WORDS, rng.randint(1, 3)))
            for _ in range(PACKAGES_PER_SERVICE)]


def generate_sources(seed: int, services: list[Service], count: int) -> Files:
    """`count` files: per-service Dockerfile, manifest and settings, the flake's tool scripts,
    then source and test files in a dozen packages per service."""
    rng = random.Random(f"{seed}:sources")
    files: Files = {}
    for svc in services:
        files.update(_service_files(rng, svc))
    for index in range(FLAKE_TOOLS):
        files[f"tools/tool-{index}/main.sh"] = (
            f'#!/usr/bin/env bash\nset -euo pipefail\necho "tool-{index}: $*"\n'
        )
    packages = {svc.name: _packages(rng, svc) for svc in services}
    index = 0
    while len(files) < count:
        svc = services[index % len(services)]
        directory = rng.choice(packages[svc.name])
        stem = f"test_{_identifier(rng)}" if "/tests/" in directory else _identifier(rng)
        files[f"{directory}/{stem}_{index}.{_EXTENSIONS[svc.language]}"] = _source(
            rng, svc.language
        )
        index += 1
    return dict(list(files.items())[:count])
