"""Hypothesis over the three tree-sitter grammars, meant to run in a child process.

tree-sitter-bash 0.25 crashed the whole interpreter on some non-ASCII input (shell.py now
replaces non-ASCII before parsing); a crash in C cannot be caught, so these runs live in their own
process and write each input to a file before parsing it: if the process dies, the file holds the
input that killed it.

    python -m tests.hostile.native_fuzz shell|nix|make EXAMPLES LAST_INPUT_FILE
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.config import Config
from wizard.repo import Repo
from wizard.scan.context import ScanContext
from wizard.scan.flake import scan_flake
from wizard.scan.makefile import parse_makefile
from wizard.scan.shell import parse_script

# Every code point but lone surrogates (repository text is decoded strictly, so it has none).
_ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
_SHELL_TOKENS = [
    "docker", " push ", "${{ x }}", "$(", ")", "'", '"', "\\", "\n", "|", "||", "&&", ";", "<",
    ">>", "<<EOF\n", "EOF\n", "{", "}", "=", "A", "$A", "${A}", "`", "#", "case", "esac", "[[",
    "]]", "if", "then", "fi", "for", "in", "do", "done", "$'", "((", "))",
]
_MAKE_TOKENS = [
    "push", ":", "::", "\t", "\n", " ", "=", ":=", "?=", "+=", "!=", "$(", "${", ")", "}", "$$",
    "$@", "$<", "$(MAKE)", "$(shell ", "\\\n", "ifeq (", ",", "else", "endif", "define X\n",
    "endef", "include ", "export ", "override ", "%", ".PHONY", "@", "-", "+", ";", "#", "docker",
]
_NIX_TOKENS = [
    "{", "}", "(", ")", "[", "]", ";", "=", ":", "''", "'", '"', "${", "\\", "#", "/*", "*/",
    "\n", " ", "let", "in", "rec", "with", "inherit", "outputs", "packages", "x86_64-linux",
    "a.b", "//", "./p", "<nixpkgs>", "1", "-", "$", "?", "@", "...", ",", "buildImage",
    "dockerTools", "n2c",
]


def _soup(tokens: list[str]) -> st.SearchStrategy[str]:
    """Grammar tokens mixed with any characters, so non-ASCII lands inside every construct."""
    piece = st.one_of(st.sampled_from(tokens), st.sampled_from(tokens), _ANY_CHARACTER,
                      st.text(_ANY_CHARACTER, max_size=4))
    return st.lists(piece, max_size=60).map("".join)


def run(grammar: str, examples: int, last_input: Path) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="native-fuzz-"))
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    repo = Repo(workdir)

    tokens = {"shell": _SHELL_TOKENS, "make": _MAKE_TOKENS}.get(grammar, _NIX_TOKENS)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=_soup(tokens))
    def check(text: str) -> None:
        last_input.write_text(repr(text), encoding="utf-8")
        if grammar == "make":
            makefile = parse_makefile(text)
            lines = text.count("\n") + 1
            for target, scoped in makefile.build_order(list(makefile.rules)):
                for recipe in makefile.rules[target].recipe:
                    assert 1 <= recipe.line <= lines
                    expanded = makefile.expand(recipe.text, target, scoped, {}, lambda _: False)
                    makefile.shell_text(expanded)
            return
        if grammar == "shell":
            lines = text.count("\n") + 1
            assert all(1 <= c.line <= lines for c in parse_script(text).commands)
            return
        (workdir / "flake.nix").write_text(text, encoding="utf-8")
        ctx = ScanContext(repo=repo, config=Config(), files=["flake.nix"])
        facts = scan_flake(ctx)
        # Unreadable text (NUL bytes) is one problem; anything else is read.
        assert facts.path == "flake.nix" or [p.path for p in ctx.problems] == ["flake.nix"]
        assert all(p.line >= 1 for p in facts.packages)
        assert all(p.path == "flake.nix" and "\n" not in p.message for p in ctx.problems)

    check()


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
    print("ok")
