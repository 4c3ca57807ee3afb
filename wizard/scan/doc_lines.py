"""What one line of Markdown names: the artifact's registry image, its Nix image or derivation.

Flake attributes match whole: `.#runner-dashboard` does not name `runner-dashboard-image`, and a
heading anchor such as `overview.md#runner-dashboard` is not a flake reference.
"""

from __future__ import annotations

import re

from wizard.facts import Mention
from wizard.scan.refs import names_image

# A flake reference before `#attr`: the local flake (`.`, `path:.`), a forge or git URL, or
# FlakeHub. Other https URLs are left out because `…#name` there is a page anchor.
_FLAKE_REF = (
    r"(?:(?<![\w/.-])\.|(?:path|github|gitlab|sourcehut|flake|git\+[a-z]+|tarball\+https?):"
    r"[^\s#`'\"()<>]*|https?://(?:api\.)?flakehub\.com/[^\s#`'\"()<>]*)"
)
_OUTPUT_PATH = r"packages\.(?:[\w${}-]+\.)?"
_FLAKEHUB = re.compile(r"flakehub\.com/f/([\w.-]+/[\w.-]+)", re.IGNORECASE)
_PROFILE_INSTALL_LOCAL = re.compile(
    r"nix\s+profile\s+(?:install|add)\s+[\"']?(?:\.|\./|path:\.)(?=[\"'\s]|$)"
)


def _attr_pattern(attrs: list[str]) -> re.Pattern[str] | None:
    if not attrs:
        return None
    names = "|".join(re.escape(a) for a in sorted(set(attrs), key=len, reverse=True))
    return re.compile(
        rf"(?:{_FLAKE_REF}#(?:{_OUTPUT_PATH})?|(?<![\w.-]){_OUTPUT_PATH})(?:{names})(?![\w-])"
    )


def normalise_newlines(text: str) -> str:
    """Newlines as markdown-it sees them, so list indexes are its line numbers."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LineMatcher:
    def __init__(self, images: list[str], image_attrs: list[str],
                 derivation_attrs: list[str], flakehub_names: list[str]) -> None:
        self.images = [i for i in images if i]
        # Only this repository's flake on FlakeHub is its derivation; nixpkgs there is not.
        self.flakehub_names = {n.lower() for n in flakehub_names if n}
        self.image_attrs = _attr_pattern(image_attrs)
        self.derivation_attrs = _attr_pattern(derivation_attrs)
        # Byte needles for the pre-filter besides the terms themselves.
        self.fixed_needles = ["flakehub", "nix profile"]

    def kinds(self, line: str) -> list[Mention]:
        """Every kind of mention on the line, in the order registry, Nix image, derivation."""
        found: list[Mention] = []
        if any(names_image(line, image) for image in self.images):
            found.append("registry-image")
        if self.image_attrs is not None and self.image_attrs.search(line):
            found.append("nix-image")
        if (
            (self.derivation_attrs is not None and self.derivation_attrs.search(line))
            or _PROFILE_INSTALL_LOCAL.search(line)
            or any(m.group(1).lower() in self.flakehub_names for m in _FLAKEHUB.finditer(line))
        ):
            found.append("derivation")
        return found
