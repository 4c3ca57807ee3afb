"""Step and trigger blocks of generated workflows, as YAML text indented for a job's `steps:`.

Each function returns lines without trailing newlines; the variants mirror what real
repositories write (blocking and non-blocking scanners, signing by tag and by digest, keyless and
key-based cosign, provenance through attest-build-provenance or build-push inputs).
"""

from __future__ import annotations

import random

from vocab import gh

STEP = "      "  # a job's step list item indent
WITH = "          "  # a step's `with:` value indent


def triggers(rng: random.Random, publishing: bool) -> list[str]:
    """One of the three shapes of `on:` (string, list, mapping)."""
    shape = rng.random()
    if shape < 0.08:
        return ["on: push"]
    if shape < 0.16:
        return ["on: [push, pull_request]" if not publishing else "on: [push, workflow_dispatch]"]
    lines = ["on:", "  push:", "    branches: [main]"]
    if publishing and rng.random() < 0.5:
        lines += ["    tags:", '      - "v*.*.*"']
    if rng.random() < 0.6:
        lines += ["  pull_request:", "    branches: [main]"]
    if rng.random() < 0.3:
        lines += ["  workflow_dispatch:"]
    if rng.random() < 0.1:
        lines += ["  schedule:", f'    - cron: "{rng.randint(0, 59)} {rng.randint(0, 23)} * * 1"']
    if publishing and rng.random() < 0.15:
        lines += ["  release:", "    types: [published]"]
    return lines


def checkout() -> list[str]:
    return [f"{STEP}- uses: actions/checkout@v4"]


def login(registry: str) -> list[str]:
    host = registry.split("/", 1)[0]
    return [
        f"{STEP}- name: Log in to {host}",
        f"{STEP}  uses: docker/login-action@v3",
        f"{STEP}  with:",
        f"{WITH}registry: {host}",
        f"{WITH}username: {gh('github.actor')}",
        f"{WITH}password: {gh('secrets.REGISTRY_TOKEN')}",
    ]


def metadata(image: str) -> list[str]:
    return [
        f"{STEP}- name: Image metadata",
        f"{STEP}  id: meta",
        f"{STEP}  uses: docker/metadata-action@v5",
        f"{STEP}  with:",
        f"{WITH}images: {image}",
        f"{WITH}tags: |",
        f"{WITH}  type=ref,event=branch",
        f"{WITH}  type=semver,pattern={{{{version}}}}",
        f"{WITH}  type=sha",
    ]


def build_push(rng: random.Random, context: str, tags: str, push: str) -> list[str]:
    lines = [
        f"{STEP}- name: Build and push",
        f"{STEP}  id: build",
        f"{STEP}  uses: docker/build-push-action@v6",
        f"{STEP}  with:",
        f"{WITH}context: {context}",
    ]
    if rng.random() < 0.5:
        lines.append(f"{WITH}file: {context}/Dockerfile")
    lines += [f"{WITH}push: {push}", f"{WITH}tags: {tags}"]
    if rng.random() < 0.3:
        lines += [f"{WITH}provenance: mode=max", f"{WITH}sbom: true"]
    if rng.random() < 0.4:
        lines += [f"{WITH}cache-from: type=gha", f"{WITH}cache-to: type=gha,mode=max"]
    return lines


def vulnerability_scan(rng: random.Random, reference: str) -> list[str]:
    """Trivy (action or CLI), Grype or Snyk; blocking or not; sometimes no scanner at all."""
    choice = rng.random()
    if choice < 0.35:
        exit_code = "1" if rng.random() < 0.7 else "0"
        return [
            f"{STEP}- name: Scan with Trivy",
            f"{STEP}  uses: aquasecurity/trivy-action@0.28.0",
            f"{STEP}  with:",
            f"{WITH}image-ref: {reference}",
            f"{WITH}severity: CRITICAL,HIGH",
            f'{WITH}exit-code: "{exit_code}"',
        ]
    if choice < 0.5:
        lines = [
            f"{STEP}- name: Grype",
            f"{STEP}  uses: anchore/scan-action@v4",
        ]
        if rng.random() < 0.3:
            lines.append(f"{STEP}  continue-on-error: true")
        return [*lines, f"{STEP}  with:", f"{WITH}image: {reference}",
                f"{WITH}fail-build: {'true' if rng.random() < 0.6 else 'false'}"]
    if choice < 0.6:
        return [
            f"{STEP}- name: Trivy CLI",
            f"{STEP}  run: trivy image --exit-code 1 --severity HIGH,CRITICAL \"{reference}\"",
        ]
    if choice < 0.65:
        return [
            f"{STEP}- name: Snyk container test",
            f"{STEP}  uses: snyk/actions/docker@master",
            f"{STEP}  env:",
            f"{WITH}SNYK_TOKEN: {gh('secrets.SNYK_TOKEN')}",
            f"{STEP}  with:",
            f"{WITH}image: {reference}",
        ]
    return []


def signing(rng: random.Random, image: str, digest_step: str = "build") -> list[str]:
    """cosign keyless or with a key, by digest or by tag; sometimes unsigned."""
    choice = rng.random()
    if choice < 0.3:
        return []
    lines = [f"{STEP}- uses: sigstore/cosign-installer@v3"]
    key = " --key env://COSIGN_PRIVATE_KEY" if rng.random() < 0.25 else ""
    if choice < 0.75:
        lines += [
            f"{STEP}- name: Sign by digest",
            f"{STEP}  env:",
            f"{WITH}DIGEST: {gh(f'steps.{digest_step}.outputs.digest')}",
            f'{STEP}  run: cosign sign --yes{key} "{image}@${{DIGEST}}"',
        ]
    else:
        lines += [
            f"{STEP}- name: Sign by tag",
            f'{STEP}  run: cosign sign --yes{key} "{image}:{gh("github.sha")}"',
        ]
    return lines


def attestation(rng: random.Random, image: str, digest_step: str = "build") -> list[str]:
    if rng.random() < 0.7:
        return []
    return [
        f"{STEP}- uses: actions/attest-build-provenance@v2",
        f"{STEP}  with:",
        f"{WITH}subject-name: {image}",
        f"{WITH}subject-digest: {gh(f'steps.{digest_step}.outputs.digest')}",
        f"{WITH}push-to-registry: true",
    ]


def shell_push(rng: random.Random, image: str, context: str) -> list[str]:
    """A `run:` script that pushes: docker, buildx --push, podman, skopeo, crane, docker load."""
    tag = gh("github.sha")
    variant = rng.randrange(6)
    body: list[str]
    if variant == 0:
        body = [f'docker build -t "{image}:{tag}" -f {context}/Dockerfile {context}',
                f'docker push "{image}:{tag}"']
    elif variant == 1:
        body = ["docker buildx build \\", "  --platform linux/amd64,linux/arm64 \\",
                f'  -t "{image}:{tag}" \\', f"  --push {context}"]
    elif variant == 2:
        body = [f'podman build -t "{image}:{tag}" {context}', f'podman push "{image}:{tag}"']
    elif variant == 3:
        body = [f"docker build -t local/app {context}", "docker save local/app -o app.tar",
                f'skopeo copy docker-archive:app.tar "docker://{image}:{tag}"']
    elif variant == 4:
        body = [f"docker build -t local/app {context}", "docker save local/app -o app.tar",
                f'crane push app.tar "{image}:{tag}"']
    else:
        body = ["nix build .#container", "docker load < result",
                f'docker tag container:latest "{image}:{tag}"', f'docker push "{image}:{tag}"']
    tool = ("docker", "buildx", "podman", "skopeo", "crane", "load")[variant]
    return [f"{STEP}- name: Build and push ({tool})", f"{STEP}  run: |",
            *(f"{STEP}    {line}" for line in body)]


def test_steps(rng: random.Random, language: str, directory: str) -> list[str]:
    """Steps of a plain CI job that publishes nothing."""
    if language == "python":
        steps = [
            f"{STEP}- uses: actions/setup-python@v5",
            f"{STEP}  with:",
            f'{WITH}python-version: "{rng.choice(["3.11", "3.12", "3.13"])}"',
            f"{STEP}- run: pip install -e '{directory}[test]'",
            f"{STEP}- run: pytest {directory}/tests -q",
        ]
    elif language == "go":
        steps = [
            f"{STEP}- uses: actions/setup-go@v5",
            f"{STEP}  with:",
            f"{WITH}go-version-file: {directory}/go.mod",
            f"{STEP}- run: go test ./...",
            f"{STEP}  working-directory: {directory}",
            f"{STEP}- uses: golangci/golangci-lint-action@v6",
            f"{STEP}  with:",
            f"{WITH}working-directory: {directory}",
        ]
    elif language == "typescript":
        steps = [
            f"{STEP}- uses: actions/setup-node@v4",
            f"{STEP}  with:",
            f"{WITH}node-version: 22",
            f"{WITH}cache: npm",
            f"{STEP}- run: npm ci && npm run lint && npm test",
            f"{STEP}  working-directory: {directory}",
        ]
    elif language == "rust":
        steps = [
            f"{STEP}- uses: dtolnay/rust-toolchain@stable",
            f"{STEP}- run: cargo clippy --all-targets -- -D warnings",
            f"{STEP}  working-directory: {directory}",
            f"{STEP}- run: cargo test --locked",
            f"{STEP}  working-directory: {directory}",
        ]
    else:
        steps = [
            f"{STEP}- uses: actions/setup-java@v4",
            f"{STEP}  with:",
            f"{WITH}distribution: temurin",
            f'{WITH}java-version: "21"',
            f"{STEP}- run: ./gradlew check --no-daemon",
            f"{STEP}  working-directory: {directory}",
        ]
    extra = rng.random()
    if extra < 0.2:
        name = directory.rsplit("/", 1)[-1]
        steps += [f"{STEP}- name: Build the image (not pushed)",
                  f"{STEP}  run: docker build -t local/{name}:ci {directory}"]
    elif extra < 0.3:
        steps += [f"{STEP}- uses: docker/build-push-action@v6",
                  f"{STEP}  with:", f"{WITH}context: {directory}", f"{WITH}push: false",
                  f"{WITH}load: true"]
    elif extra < 0.4:
        steps += [f"{STEP}- run: docker pull postgres:16 && "
                  f"docker compose -f {directory}/compose.yml up -d"]
    if rng.random() < 0.3:
        steps += [f"{STEP}- uses: actions/upload-artifact@v4", f"{STEP}  with:",
                  f"{WITH}name: reports", f"{WITH}path: {directory}/reports/"]
    return steps
