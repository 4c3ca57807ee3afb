"""Changes to the seed repository that should flip gate verdicts for a named reason."""

from __future__ import annotations

from wizard.sample import SEED_FILES

NIX_RELEASE_WORKFLOW = """\
name: Release the Nix image

on:
  push:
    tags: ["v*.*.*"]

permissions:
  contents: read

jobs:
  nix-image:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: DeterminateSystems/nix-installer-action@v16
      - name: Push the Nix image
        run: >-
          nix run .#runner-dashboard-image.copyTo --
          --digestfile digest.txt
          docker://ghcr.io/tinyland-inc/runner-dashboard:${{ github.ref_name }}
      - name: Read the digest
        id: digest
        run: echo "digest=$(cat digest.txt)" >> "$GITHUB_OUTPUT"
      - name: Trivy gate
        uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: ghcr.io/tinyland-inc/runner-dashboard@${{ steps.digest.outputs.digest }}
          exit-code: "1"
      - uses: sigstore/cosign-installer@v3
      - name: Sign
        run: cosign sign --yes ghcr.io/tinyland-inc/runner-dashboard@${{ steps.digest.outputs.digest }}
"""

NIX_PUSH_WITHOUT_SCANNING = """\
name: Push the Nix image

on:
  push:
    branches: [main]

jobs:
  push:
    runs-on: ubuntu-latest
    permissions:
      packages: write
    steps:
      - uses: actions/checkout@v4
      - run: nix run .#runner-dashboard-image.copyToRegistry
"""


def without_cosign(path: str) -> str:
    """The seed workflow at `path` with its cosign signing step removed."""
    text = SEED_FILES[path]
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "uses: sigstore/cosign-installer" in line)
    return "\n".join(lines[: start - (1 if "- name:" in lines[start - 1] else 0)]) + "\n"


ONBOARDING_WITH_NIX_BUILD = (
    SEED_FILES["docs/operators/onboarding.md"]
    + """
## Building the image yourself

Operators who build their own image run `nix build .#runner-dashboard-image` and load the result.
"""
)
