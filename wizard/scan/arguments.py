"""Command-line arguments split the way the tools themselves read them."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

# Wrappers that run the rest of the line as the command, and how many values their options take.
_WRAPPERS: dict[str, Mapping[str, int]] = {
    "sudo": {"-u": 1, "-g": 1, "-C": 1, "-D": 1, "-h": 1, "-p": 1, "-r": 1, "-t": 1, "-U": 1},
    "env": {"-u": 1, "-C": 1, "-S": 1},
    "time": {"-f": 1, "-o": 1},
    "exec": {"-a": 1},
    "command": {},
    "nice": {"-n": 1},
    "nohup": {},
}
_NIX_WRAPPERS = frozenset({"develop", "shell"})


@dataclass
class Arguments:
    options: dict[str, list[str]] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)
    after_dashes: list[str] = field(default_factory=list)  # everything after a bare `--`

    def has(self, *names: str) -> bool:
        return any(name in self.options for name in names)

    def last(self, *names: str) -> str | None:
        values = [v for name in names for v in self.options.get(name, [])]
        return values[-1] if values else None

    def all(self, *names: str) -> list[str]:
        return [v for name in names for v in self.options.get(name, [])]


def parse_arguments(words: list[str], valued: Mapping[str, int]) -> Arguments:
    """Options (`--x=v`, `--x v` for options in `valued`, flags) and positionals, in order."""
    parsed = Arguments()
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            parsed.after_dashes = words[index + 1 :]
            break
        if word.startswith("--") and "=" in word:
            name, _, value = word.partition("=")
            parsed.options.setdefault(name, []).append(value)
        elif word.startswith("-") and len(word) > 1:
            arity = valued.get(word, 0)
            values = words[index + 1 : index + 1 + arity]
            parsed.options.setdefault(word, []).append(" ".join(values))
            index += arity
        else:
            parsed.positionals.append(word)
        index += 1
    return parsed


def unwrap(words: list[str]) -> list[str]:
    """The command a wrapper runs: `sudo docker push x` -> `docker push x`; also `env A=b cmd`,
    `time cmd` and `nix develop|shell … --command cmd`."""
    for _ in range(4):
        if not words:
            return words
        name = posixpath.basename(words[0])
        if name in _WRAPPERS:
            valued = _WRAPPERS[name]
            index = 1
            while index < len(words) and (
                words[index].startswith("-") or (name == "env" and "=" in words[index])
            ):
                index += 1 + valued.get(words[index], 0)
            words = words[index:]
        elif name == "nix" and any(w in _NIX_WRAPPERS for w in words[1:3]):
            marker = next((i for i, w in enumerate(words) if w in ("--command", "-c")), None)
            if marker is None:
                return words
            words = words[marker + 1 :]
        else:
            return words
    return words
