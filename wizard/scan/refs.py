"""Whether a piece of text names the artifact, one of its images, or a digest.

Matches are whole names: `runner-dashboard` does not name `runner-dashboard-api`, and the image
`ghcr.io/acme/app` is named by `ghcr.io/acme/app:1.2` and `ghcr.io/acme/app@sha256:…` but not by
`ghcr.io/acme/app-worker` or `ghcr.io/acme/app/sub`.
"""

from __future__ import annotations

import re
from functools import lru_cache

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}(?![0-9a-fA-F])")


@lru_cache(maxsize=256)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=256)
def _image_pattern(image: str) -> re.Pattern[str]:
    # A sentence may end right after the name; `.x` would continue it.
    return re.compile(rf"(?<![\w./-]){re.escape(image)}(?![\w/-]|\.\w)", re.IGNORECASE)


def names_artifact(text: str, artifact: str | None) -> bool:
    return bool(artifact) and _name_pattern(str(artifact)).search(text) is not None


def names_image(text: str, image: str) -> bool:
    """`image` (registry/owner/name) appears, bare or with a tag or digest."""
    return bool(image) and _image_pattern(image).search(text) is not None


def is_digest_pinned(text: str | None) -> bool:
    """Pinned by `@sha256:<64 hex>`; a 40-hex tag (a commit id) is not a digest."""
    return bool(text) and DIGEST.search(str(text)) is not None
