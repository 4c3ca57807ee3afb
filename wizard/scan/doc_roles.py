"""Which primary role a page plays (overview, container build, release, onboarding), guessed from
its file name (or, for a README/index, its directory name) and its first heading."""

from __future__ import annotations

import posixpath
import re

from wizard.facts import DocRole

_ROLE_WORDS: dict[DocRole, tuple[str, ...]] = {
    "overview": ("overview", "about"),
    # Not plain "build": every page about a derivation builds something.
    "container-build": ("container", "containers", "containerfile", "docker", "dockerfile",
                        "image", "images", "oci"),
    "release": ("release", "releases", "releasing", "publish", "publishing"),
    "onboarding": ("onboarding", "operator", "operators", "getting started", "deploy",
                   "deploying", "deployment", "install", "installing", "installation",
                   "runbook", "runbooks"),
}
_INDEX_NAMES = ("readme", "index")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _has(text: str, phrase: str) -> bool:
    words, wanted = _words(text), phrase.split()
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words)))


def _named_for(directory: str, artifact: str | None) -> bool:
    """`docs/runner-dashboard/` or `docs/dashboard/` for the artifact `runner-dashboard`."""
    if not artifact or not directory:
        return False
    name, wanted = directory.lower(), _words(artifact)
    return name == artifact.lower() or (bool(wanted) and _words(name) == wanted[-1:])


def guess_roles(path: str, title: str | None, artifact: str | None) -> list[tuple[DocRole, str]]:
    """(role, reason) pairs; the reason says which word matched where."""
    directory, name = posixpath.split(path)
    stem = name.rsplit(".", 1)[0]
    index_page = stem.lower() in _INDEX_NAMES
    dir_name = posixpath.basename(directory)
    sources: list[tuple[str, str]] = []
    if not index_page:
        sources.append((f"the file name {name}", stem))
    elif dir_name:
        sources.append((f"the directory name {dir_name}/", dir_name))
    if title:
        sources.append((f'the first heading "{title}"', title))
    found: list[tuple[DocRole, str]] = []
    for role, words in _ROLE_WORDS.items():
        places: dict[str, list[str]] = {}
        for label, text in sources:
            word = next((w for w in words if _has(text, w)), None)
            if word:
                places.setdefault(word, []).append(label)
        if places:
            found.append((role, " and ".join(f'"{word}" in ' + " and ".join(labels)
                                              for word, labels in places.items())))
        elif role == "overview" and index_page and _named_for(dir_name, artifact):
            found.append((role, f"{name} inside {directory}/, a directory named for {artifact}"))
    return found
