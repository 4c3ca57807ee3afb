"""The hostile corpus: repositories nobody curated, each built as a real git repository.

Every case is the seed repository (so the rest of the scan has something to find) plus one kind
of bad input, written by the builder at test time: nothing binary is committed to this project.
Huge files are written in chunks or sparse, never held in memory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.limits import MAX_FILE_BYTES, MAX_NIX_DEPTH, MAX_YAML_DEPTH
from wizard.sample import SEED_FILES, build_seed_repo, commit_files, init_repo

WORKFLOWS = ".github/workflows"
STACK = "tofu/stacks/runner-dashboard"
DEPTH = 10_000
MIB = 1024 * 1024
_SEED_FLAKE = SEED_FILES["flake.nix"]
# Markup-looking text, terminal escapes and a right-to-left override, as a repository may hold.
MARKUP_WORKFLOW = f"{WORKFLOWS}/[bold]x[0] \\ \u202eevil.yml"
MARKUP_JOB = "[bold]push[/] [0] ends in \\"
MARKUP_DOC = "docs/[0] notes \u202e.md"
MARKUP_DOC_TEXT = (
    "The [bold]runner-dashboard[/] image [/ \x1b[31mghcr.io/tinyland-inc/runner-dashboard\x1b[0m"
    " ends in \\"
)
MARKUP_IMAGE = "ghcr.io/acme/[bold]x[0]"
ANSI_WORKFLOW = f"{WORKFLOWS}/\x1b[31mred\x9b2J.yml"
# `[/` cannot be in a file name (it would be a directory); the job id above holds it.
BROKEN_MARKUP_WORKFLOW = f"{WORKFLOWS}/[bold red]broken[0] \u202e\\.yml"

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """One hostile repository and what a clean result over it looks like."""

    name: str
    family: str
    build: Builder
    # (path, fragment of the message) that must be among the scan's `problems`.
    problems: tuple[tuple[str, str], ...] = ()
    # Fragment of the one error line when the whole run cannot go on (exit 2), else None.
    error: str | None = None
    # The current authority the rest of the repository still shows.
    authority: str = "dockerfile-image"
    # Repository text the text report must show exactly as typed (after bidi controls are made
    # visible).
    literal: tuple[str, ...] = ()
    # Among the largest inputs: also measured for peak memory in a child process.
    big: bool = False
    # Seed sources the case breaks on purpose ("flake", "owners"): their facts are not expected.
    lost: tuple[str, ...] = ()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "protocol.file.allow=always", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _seed(text: dict[str, str | None] | None = None, raw: dict[str, bytes] | None = None,
          links: dict[str, str] | None = None) -> Builder:
    """The seed with `text` files changed (None deletes), then `raw` bytes and symlinks
    committed on top."""

    def build(dest: Path) -> Path:
        build_seed_repo(dest, text)
        for rel, data in (raw or {}).items():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, points_to in (links or {}).items():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                target.unlink()
            os.symlink(points_to, target)
        if raw or links:
            commit_files(dest, {}, "hostile files")
        return dest

    return build


def _then(first: Builder, after: Callable[[Path], None]) -> Builder:
    def build(dest: Path) -> Path:
        repo = first(dest)
        after(repo)
        return repo

    return build


# --- YAML --------------------------------------------------------------------------------------


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """Billion laughs: `width ** levels` scalars once every alias is expanded."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


_BOMB_WORKFLOW = (
    alias_bomb()
    + "on: push\njobs:\n  bomb:\n    runs-on: ubuntu-latest\n    steps: *a8\n"
)
_DEEP_FLOW = "on: push\njobs: " + "[" * DEPTH + "]" * DEPTH + "\n"
_DEEP_FLOW_MAP = "on: push\njobs: " + "{a: " * DEPTH + "b" + "}" * DEPTH + "\n"
# `- - - x` nests block sequences on one line, so 10,000 levels stay 20 kB.
_DEEP_BLOCK = "on: push\njobs:\n  deep:\n    steps:\n      " + "- " * DEPTH + "run: x\n"
_DUPLICATES = """on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - &step {run: "echo first"}
  image:
    runs-on: ubuntu-latest
    steps:
      - &step {run: "echo second anchor of the same name"}
      - *step
"""


def _chunked(path: Path, head: bytes, filler: bytes, size: int, tail: bytes) -> None:
    """A file of `size` bytes written 1 MiB at a time."""
    block = filler * (MIB // len(filler))
    with path.open("wb") as handle:
        handle.write(head)
        left = size - len(head) - len(tail)
        while left > 0:
            handle.write(block[: min(left, len(block))])
            left -= len(block)
        handle.write(tail)


def _untracked(rel: str, write: Callable[[Path], None]) -> Callable[[Path], None]:
    """Written after the commit: a pull request's working tree holds it, git stores nothing."""

    def after(repo: Path) -> None:
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write(target)

    return after


def _huge_workflow(target: Path) -> None:
    _chunked(target, b'{"on": "push", "jobs": {"a": {"runs-on": "', b"x", 50 * MIB, b'"}}}')


def _huge_markdown(target: Path) -> None:
    """200 MiB, sparse: a heading naming the artifact, then a hole the file system never stores."""
    with target.open("wb") as handle:
        handle.write(b"# runner-dashboard\n\nghcr.io/tinyland-inc/runner-dashboard\n")
        handle.truncate(200 * MIB)


def _near_limit_workflow(target: Path) -> None:
    """Just under the read limit, on one line, with more nodes than the YAML budget allows."""
    _chunked(target, b"{on: push, jobs: {", b"k: [v, v], ", MAX_FILE_BYTES - 64, b"z: 1}}\n")


def _undecodable_names(dest: Path) -> Path:
    """A workflow and a doc page whose names are Latin-1 bytes, as an old tool may write them."""
    build_seed_repo(dest)
    for rel in (b".github/workflows/caf\xe9.yml", b"docs/r\xe9sum\xe9 runner-dashboard.md"):
        with open(os.fsencode(dest) + b"/" + rel, "wb") as handle:
            handle.write(b"# runner-dashboard\n")
    commit_files(dest, {}, "names that are not UTF-8")
    return dest


# --- values that double ------------------------------------------------------------------------

_PUSH_JOB = "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n"
# Each line doubles A: 64 lines would be an image name of 2**67 characters.
_DOUBLING_SHELL = (_PUSH_JOB + "      - run: |\n          A=xxxxxxxx\n" + "          A=$A$A\n" * 64
                   + "          docker push ghcr.io/acme/$A:1\n")
_DOUBLING_EXPORTS = (_PUSH_JOB + '      - run: echo "A=xxxxxxxx" >> "$GITHUB_ENV"\n'
                     + '      - run: echo "A=$A$A" >> "$GITHUB_ENV"\n' * 64
                     + "      - run: docker push ghcr.io/acme/$A:1\n")
# The seed's flake merged with a64, where each aN is a(N-1) // a(N-1): 2**64 merges if each side
# were walked again.
_DOUBLING_FLAKE = _SEED_FLAKE.replace(
    "  outputs = { self, nixpkgs, flake-utils, nix2container }:\n",
    "  outputs = { self, nixpkgs, flake-utils, nix2container }:\n    let\n"
    "      a0 = { doubled = nixpkgs.hello; };\n"
    + "".join(f"      a{i} = a{i - 1} // a{i - 1};\n" for i in range(1, 65))
    + "    in { packages.x86_64-linux = a64; } //\n",
)


# --- file system -------------------------------------------------------------------------------


def _fifo(rel: str) -> Callable[[Path], None]:
    """Replace a tracked file in the working tree by a named pipe nobody writes to."""

    def after(repo: Path) -> None:
        target = repo / rel
        target.unlink()
        os.mkfifo(target)

    return after


def _both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def after(repo: Path) -> None:
        for step in steps:
            step(repo)

    return after


def _chmod_000(rel: str) -> Callable[[Path], None]:
    def after(repo: Path) -> None:
        (repo / rel).chmod(0)

    return after


# Root reads a chmod 000 file anyway; the in-process test makes the read fail instead.
_UNREADABLE_PROBLEMS: tuple[tuple[str, str], ...] = (
    () if os.geteuid() == 0 else ((f"{WORKFLOWS}/locked.yml", "Permission denied"),)
)

_ESCAPING_WORKFLOW = """on:
  push:
    branches: [main]
jobs:
  out:
    runs-on: ubuntu-latest
    steps:
      - uses: ./../../../../../../../etc
      - uses: ./.github/actions/out
      - uses: ./.github/actions/../../../../../../../etc/passwd
      - run: bash ../../../../../../../etc/passwd
      - run: source /etc/profile && . ~/.bashrc
      - run: ./../../../../../../../etc/passwd.sh
      - run: ./scripts/out/passwd
  called:
    uses: ./../../../../../../etc/called.yml
"""

# --- syntax ------------------------------------------------------------------------------------

_BROKEN_FLAKE = _SEED_FLAKE.replace("packages.default = runnerDashboard;", "packages.default = ;")
_DEEP_FLAKE = _SEED_FLAKE.replace(
    "      });\n}", "      }) // " + "(" * DEPTH + "{ }" + ")" * DEPTH + ";\n}"
)
_BROKEN_TF = 'variable "image_tag" {\n  default = "v1"\n  type =\n}\n'
_DEEP_TF = "locals {\n  image = " + "[" * DEPTH + "]" * DEPTH + "\n}\n"
_DEEP_LIST_MD = "# runner-dashboard\n\n" + "- " * DEPTH + "ghcr.io/tinyland-inc/runner-dashboard\n"
_DEEP_QUOTE_MD = "# runner-dashboard\n\n" + "> " * DEPTH + "ghcr.io/tinyland-inc/runner-dashboard\n"

# --- markup and terminal controls --------------------------------------------------------------

_MARKUP_JOB_YAML = MARKUP_JOB.replace("\\", "\\\\")
_MARKUP_WORKFLOW_TEXT = f"""name: "[bold red]Release[/] \\e[31mred\\e[0m \\u202eevil"
on:
  push:
    tags: ["v*"]
jobs:
  "{_MARKUP_JOB_YAML}":
    runs-on: ubuntu-latest
    env:
      NAME: "[bold]x[0]"
    steps:
      - run: docker push "ghcr.io/acme/${{{{ env.NAME }}}}:1"
"""


# --- repository states -------------------------------------------------------------------------


def _plain_directory(dest: Path) -> Path:
    for rel, text in SEED_FILES.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return dest


def _empty_repository(dest: Path) -> Path:
    """`git init` and the seed's files, never committed."""
    init_repo(dest)
    return _plain_directory(dest)


def _detached(dest: Path) -> Path:
    build_seed_repo(dest)
    commit_files(dest, {"CHANGELOG.md": "# Changes\n"}, "a second commit")
    _git(dest, "checkout", "-q", "--detach", "HEAD~1")
    return dest


def _shallow(dest: Path) -> Path:
    source = build_seed_repo(dest.with_name(dest.name + "-origin"))
    commit_files(source, {"CHANGELOG.md": "# Changes\n"}, "a second commit")
    _git(dest.parent, "clone", "-q", "--depth", "1", f"file://{source}", dest.name)
    return dest


def _with_submodules(dest: Path) -> Path:
    """A vendored repository that publishes images of its own, added twice: under `vendor/` and
    at a path named like a workflow."""
    vendored = build_seed_repo(
        dest.with_name(dest.name + "-vendored"),
        {"README.md": "# vendored copy of ghcr.io/tinyland-inc/runner-dashboard\n"},
    )
    build_seed_repo(dest)
    for path in ("vendor/dashboard", f"{WORKFLOWS}/vendored.yml"):
        _git(dest, "submodule", "add", "-q", f"file://{vendored}", path)
    commit_files(dest, {}, "vendor the dashboard twice")
    return dest


def _config(text: str) -> Builder:
    return _seed({".release-gate.yaml": text})


CASES: tuple[Case, ...] = (
    # YAML
    Case("yaml-alias-bomb", "yaml", _seed({f"{WORKFLOWS}/bomb.yml": _BOMB_WORKFLOW}),
         problems=((f"{WORKFLOWS}/bomb.yml", "alias bomb"),), big=True),
    Case("yaml-deep-flow", "yaml",
         _seed({f"{WORKFLOWS}/deep-flow.yml": _DEEP_FLOW,
                f"{WORKFLOWS}/deep-map.yml": _DEEP_FLOW_MAP}),
         problems=((f"{WORKFLOWS}/deep-flow.yml", "invalid YAML: exceeded maximum nesting depth"),
                   (f"{WORKFLOWS}/deep-map.yml", f"nesting deeper than {MAX_YAML_DEPTH}")),
         big=True),
    Case("yaml-deep-block", "yaml", _seed({f"{WORKFLOWS}/deep-block.yml": _DEEP_BLOCK}),
         problems=((f"{WORKFLOWS}/deep-block.yml", f"nesting deeper than {MAX_YAML_DEPTH}"),)),
    Case("yaml-duplicates", "yaml", _seed({f"{WORKFLOWS}/duplicates.yml": _DUPLICATES}),
         problems=((f"{WORKFLOWS}/duplicates.yml", "duplicate key `image`"),)),
    Case("binary-yml", "yaml", _seed(raw={f"{WORKFLOWS}/blob.yml": bytes(range(256)) * 16}),
         problems=((f"{WORKFLOWS}/blob.yml", "binary file"),)),
    # Size
    Case("huge-markdown", "size", _then(_seed(), _untracked("docs/huge.md", _huge_markdown)),
         problems=(("docs/huge.md", f"over the {MAX_FILE_BYTES} byte read limit"),), big=True),
    Case("huge-workflow", "size",
         _then(_seed(), _untracked(f"{WORKFLOWS}/huge.yml", _huge_workflow)),
         problems=((f"{WORKFLOWS}/huge.yml", f"over the {MAX_FILE_BYTES} byte read limit"),),
         big=True),
    Case("near-limit-workflow", "size",
         _then(_seed(), _untracked(f"{WORKFLOWS}/wide.yml", _near_limit_workflow)),
         problems=((f"{WORKFLOWS}/wide.yml", "document has more than"),), big=True),
    # Encodings and bytes
    Case("invalid-utf8", "encoding",
         _seed({"flake.nix": None}, raw={
             f"{WORKFLOWS}/latin1.yml": b"name: caf\xe9\non: push\njobs: {}\n",
             "flake.nix": _SEED_FLAKE.replace("GloriousFlywheel", "Glorious\xe9").encode("latin-1"),
             f"{STACK}/latin1.tf": b'variable "image_latin1" {\n  default = "caf\xe9"\n}\n',
             "docs/latin1.md": b"# runner-dashboard caf\xe9\n",
         }),
         problems=((f"{WORKFLOWS}/latin1.yml", "not valid UTF-8"),
                   ("flake.nix", "not valid UTF-8"),
                   (f"{STACK}/latin1.tf", "not valid UTF-8"),
                   ("docs/latin1.md", "not valid UTF-8")),
         lost=("flake",)),
    Case("utf16", "encoding",
         _seed({"flake.nix": None}, raw={
             f"{WORKFLOWS}/utf16.yml": "on: push\njobs: {}\n".encode("utf-16"),
             "flake.nix": _SEED_FLAKE.encode("utf-16"),
             f"{STACK}/utf16.tf": 'variable "image_utf16" {\n  type = string\n}\n'.encode(
                 "utf-16"),
             "docs/utf16.md": "# runner-dashboard\n\nghcr.io/tinyland-inc/runner-dashboard\n"
             .encode("utf-16"),
         }),
         problems=((f"{WORKFLOWS}/utf16.yml", "UTF-16"), ("flake.nix", "UTF-16"),
                   (f"{STACK}/utf16.tf", "UTF-16"), ("docs/utf16.md", "UTF-16")),
         lost=("flake",)),
    Case("nul-bytes", "encoding",
         _seed(raw={
             f"{WORKFLOWS}/nul.yml": b"on: push\x00\njobs: {}\n",
             f"{STACK}/nul.tf": b'variable "image_nul" {\x00}\n',
             "docs/nul.md": b"# runner-dashboard\x00\n",
         }),
         problems=((f"{WORKFLOWS}/nul.yml", "NUL"), (f"{STACK}/nul.tf", "NUL"),
                   ("docs/nul.md", "NUL"))),
    Case("undecodable-names", "encoding", _undecodable_names,
         problems=((f"{WORKFLOWS}/caf\ufffd.yml", "the file name is not valid UTF-8"),
                   ("docs/r\ufffdsum\ufffd runner-dashboard.md", "the file name is not valid UTF-8"))),
    # Values that double per line
    Case("doubling-values", "growth",
         _seed({f"{WORKFLOWS}/doubling-shell.yml": _DOUBLING_SHELL,
                f"{WORKFLOWS}/doubling-exports.yml": _DOUBLING_EXPORTS}),
         problems=((f"{WORKFLOWS}/doubling-shell.yml", "grows past 4096 characters"),
                   (f"{WORKFLOWS}/doubling-exports.yml", "grows past 4096 characters")),
         big=True),
    Case("doubling-flake", "growth", _seed({"flake.nix": _DOUBLING_FLAKE})),
    # File system
    Case("symlinks-out", "filesystem",
         _seed({"flake.nix": None, ".github/CODEOWNERS": None}, links={
             f"{WORKFLOWS}/passwd.yml": "/etc/passwd",
             "flake.nix": "/etc/passwd",
             f"{STACK}/passwd.tf": "/etc/passwd",
             ".github/CODEOWNERS": "../../../../../../../../etc/passwd",
             "docs/passwd.md": "/etc/passwd",
         }),
         problems=tuple((path, "symlink leads outside the repository") for path in (
             f"{WORKFLOWS}/passwd.yml", "flake.nix", f"{STACK}/passwd.tf", ".github/CODEOWNERS",
             "docs/passwd.md")),
         lost=("flake", "owners")),
    Case("escaping-references", "filesystem",
         _seed({f"{WORKFLOWS}/escape.yml": _ESCAPING_WORKFLOW},
               links={".github/actions/out": "/etc", "scripts/out": "/etc"}),
         problems=((f"{WORKFLOWS}/escape.yml", "leaves the repository; not read"),
                   (f"{WORKFLOWS}/escape.yml", "is not in the repository"))),
    Case("symlink-loop", "filesystem",
         _seed(links={f"{WORKFLOWS}/loop-a.yml": "loop-b.yml",
                      f"{WORKFLOWS}/loop-b.yml": "loop-a.yml",
                      "docs/loop.md": "loop.md",
                      "docs/again": "."}),
         problems=((f"{WORKFLOWS}/loop-a.yml", "symlink loop"),
                   (f"{WORKFLOWS}/loop-b.yml", "symlink loop"),
                   ("docs/loop.md", "symlink loop"))),
    Case("fifo", "filesystem",
         _then(_seed({f"{WORKFLOWS}/pipe.yml": "on: push\njobs: {}\n"}),
               _both(_fifo("flake.nix"), _fifo(f"{WORKFLOWS}/pipe.yml"))),
         problems=(("flake.nix", "not a regular file"),
                   (f"{WORKFLOWS}/pipe.yml", "not a regular file")),
         lost=("flake",)),
    Case("unreadable", "filesystem",
         _then(_seed({f"{WORKFLOWS}/locked.yml": "on: push\njobs: {}\n"}),
               _chmod_000(f"{WORKFLOWS}/locked.yml")),
         problems=_UNREADABLE_PROBLEMS),
    # Syntax
    Case("hcl-syntax", "syntax", _seed({f"{STACK}/broken.tf": _BROKEN_TF}),
         problems=((f"{STACK}/broken.tf", "HCL syntax error"),)),
    Case("hcl-deep", "syntax", _seed({f"{STACK}/deep.tf": _DEEP_TF}),
         problems=((f"{STACK}/deep.tf", "nesting is too deep"),), big=True),
    Case("nix-syntax", "syntax", _seed({"flake.nix": _BROKEN_FLAKE}),
         problems=(("flake.nix", "Nix syntax error"),)),
    Case("nix-deep", "syntax", _seed({"flake.nix": _DEEP_FLAKE}),
         problems=(("flake.nix", f"nesting deeper than {MAX_NIX_DEPTH} levels"),), big=True),
    Case("markdown-deep", "syntax",
         _seed({"docs/deep-list.md": _DEEP_LIST_MD, "docs/deep-quote.md": _DEEP_QUOTE_MD}),
         problems=(("docs/deep-list.md", "lists or quotes nested deeper than the parser's"),
                   ("docs/deep-quote.md", "lists or quotes nested deeper than the parser's"))),
    # Markup, terminal escapes and right-to-left overrides
    Case("markup", "markup",
         _seed({MARKUP_WORKFLOW: _MARKUP_WORKFLOW_TEXT,
                MARKUP_DOC: f"# Notes\n\n{MARKUP_DOC_TEXT}\n"},
               raw={ANSI_WORKFLOW: b"on: [push\njobs: {",
                    BROKEN_MARKUP_WORKFLOW: b"on: push\njobs: [bold]\x1b[2J"}),
         problems=((ANSI_WORKFLOW, "invalid YAML"),
                   (BROKEN_MARKUP_WORKFLOW, "control characters are not allowed (U+001B)")),
         literal=(f"{WORKFLOWS}/[bold]x[0] \\ <U+202E>evil.yml", MARKUP_JOB, MARKUP_IMAGE,
                  "docs/[0] notes <U+202E>.md",
                  "The [bold]runner-dashboard[/] image [/ ghcr.io/tinyland-inc/runner-dashboard "
                  "ends in \\",
                  f"{WORKFLOWS}/red2J.yml", f"{WORKFLOWS}/[bold red]broken[0] <U+202E>\\.yml")),
    # Repository states
    Case("not-git", "repository", _plain_directory, error="is not inside a git repository"),
    Case("empty-repository", "repository", _empty_repository,
         problems=((".", "no commits yet"),)),
    Case("detached-head", "repository", _detached),
    Case("shallow-clone", "repository", _shallow, problems=((".", "shallow clone"),)),
    Case("submodules", "repository", _with_submodules,
         problems=((f"{WORKFLOWS}/vendored.yml", "not a regular file"),)),
    # A hostile configuration stops the run with one sentence.
    Case("config-alias-bomb", "config", _config(alias_bomb()),
         error=".release-gate.yaml:6: document expands to more than 200000 nodes"),
    Case("config-deep", "config", _config("artifact: " + "[" * DEPTH + "]" * DEPTH + "\n"),
         error=".release-gate.yaml:1: invalid YAML: exceeded maximum nesting depth"),
    Case("config-types", "config", _config("artifact: [1, {a: b}]\npaths: 3\n"),
         error=".release-gate.yaml: `artifact` must be a mapping"),
    Case("config-symlink", "config",
         _seed(links={".release-gate.yaml": "/etc/passwd"}),
         error=".release-gate.yaml: symlink leads outside the repository"),
)

CASE_NAMES = tuple(case.name for case in CASES)


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def build_case(item: Case, parent: Path) -> Path:
    """Build `item` in a new directory under `parent` and return the path to scan."""
    return item.build(parent / item.name)
