from __future__ import annotations

import os
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.config import Config
from wizard.facts import FlakeFacts, FlakePackage
from wizard.limits import MAX_NIX_DEPTH
from wizard.sample import SEED_FILES
from wizard.scan.flake import scan_flake


def _scan(make_repo: RepoFactory, flake: str) -> tuple[FlakeFacts, list[tuple[int | None, str]]]:
    ctx = context_for(make_repo({"flake.nix": flake}))
    facts = scan_flake(ctx)
    return facts, [(p.line, p.message) for p in ctx.problems]


def _summary(facts: FlakeFacts) -> list[tuple[str, int, str | None, list[str]]]:
    return [(p.name, p.line, p.image_builder, p.systems) for p in facts.packages]


def _seed_line(text: str) -> int:
    lines = SEED_FILES["flake.nix"].splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_seed_flake_packages_and_image_builder(seed_repo: Path) -> None:
    ctx = context_for(seed_repo)
    facts = scan_flake(ctx)
    blob = subprocess.run(["git", "rev-parse", "HEAD:flake.nix"], cwd=seed_repo,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert facts == FlakeFacts(
        path="flake.nix",
        packages=[
            FlakePackage("runner-dashboard", _seed_line("packages.runner-dashboard ="), None),
            FlakePackage("runner-dashboard-image", _seed_line("packages.runner-dashboard-image"),
                         "n2c.buildImage"),
            FlakePackage("default", _seed_line("packages.default"), None),
        ],
        image_packages=["runner-dashboard-image"],
        published=[],
        blob=blob,
    )
    # The seed as committed: the three package lines are 31, 32 and 33.
    assert [p.line for p in facts.packages] == [31, 32, 33]
    assert ctx.problems == []


def test_explicit_systems_and_quoted_names(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = { self, nixpkgs, nix2container }: {
    packages.x86_64-linux.hello = nixpkgs.legacyPackages.x86_64-linux.hello;
    packages.aarch64-darwin.hello = nixpkgs.legacyPackages.aarch64-darwin.hello;
    packages."x86_64-linux"."my tool" = self.packages.x86_64-linux.hello;
    packages.x86_64-linux.image =
      nix2container.packages.x86_64-linux.nix2container.buildImage { name = "hello"; };
  };
}
""")
    assert problems == []
    assert _summary(facts) == [
        ("hello", 3, None, ["x86_64-linux", "aarch64-darwin"]),
        ("my tool", 5, None, ["x86_64-linux"]),
        ("image", 6, "nix2container.packages.x86_64-linux.nix2container.buildImage",
         ["x86_64-linux"]),
    ]
    assert facts.image_packages == ["image"]


def test_system_attrsets_and_interpolated_system(make_repo: RepoFactory) -> None:
    facts, _ = _scan(make_repo, """{
  outputs = { self, nixpkgs, nix2container }:
    let
      forAllSystems = nixpkgs.lib.genAttrs [ "x86_64-linux" ];
    in {
      packages.x86_64-linux = {
        cli = nixpkgs.legacyPackages.x86_64-linux.hello;
      };
      packages.${"aarch64-linux"}.cli = nixpkgs.legacyPackages.aarch64-linux.hello;
    };
}
""")
    assert _summary(facts) == [("cli", 7, None, ["x86_64-linux"])]


def test_for_all_systems_with_docker_tools_through_let(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
  outputs = { self, nixpkgs }:
    let
      forAllSystems = f: nixpkgs.lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (system: f system);
    in
    {
      packages = forAllSystems (system:
        let
          pkgs = import nixpkgs { inherit system; };
          server = pkgs.buildGoModule { pname = "server"; version = "1"; src = ./.; };
          layered = pkgs.dockerTools.buildLayeredImage {
            name = "ghcr.io/acme/server";
            contents = [ server ];
          };
          image = layered;
        in
        {
          inherit server;
          server-image = image;
          "server-stream" = pkgs.dockerTools.streamLayeredImage { name = "s"; };
          default = server;
        });
      devShells = forAllSystems (system: {
        default = (import nixpkgs { inherit system; }).mkShell { packages = [ ]; };
      });
    };
}
""")
    assert problems == []
    assert _summary(facts) == [
        ("server", 19, None, []),
        ("server-image", 20, "pkgs.dockerTools.buildLayeredImage", []),
        ("server-stream", 21, "pkgs.dockerTools.streamLayeredImage", []),
        ("default", 22, None, []),
    ]
    assert facts.image_packages == ["server-image", "server-stream"]


def test_flake_utils_each_default_system_and_mkshell_not_counted(make_repo: RepoFactory) -> None:
    facts, _ = _scan(make_repo, """{
  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachDefaultSystem (system:
      let pkgs = nixpkgs.legacyPackages.${system};
      in {
        packages.app = pkgs.hello;
        devShells.default = pkgs.mkShell {
          packages = [ pkgs.nodejs pkgs.opentofu ];
        };
        checks.app = pkgs.hello;
      }) // {
        overlays.default = final: prev: { };
        packages.x86_64-linux.extra = nixpkgs.legacyPackages.x86_64-linux.jq;
      };
}
""")
    assert _summary(facts) == [("app", 6, None, []), ("extra", 13, None, ["x86_64-linux"])]


def test_flake_parts_per_system_and_flake_attribute(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  outputs = inputs@{ flake-parts, nix2container, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ "x86_64-linux" "aarch64-darwin" ];
      perSystem = { config, pkgs, system, ... }:
        let
          n2c = nix2container.packages.${system}.nix2container;
        in
        {
          packages.dashboard = pkgs.callPackage ./nix/dashboard.nix { };
          packages.dashboard-image = n2c.buildImage {
            name = "ghcr.io/acme/dashboard";
            copyToRoot = [ config.packages.dashboard ];
          };
          devShells.default = pkgs.mkShell { packages = [ pkgs.nix ]; };
        };
      flake.packages.x86_64-linux.docs = inputs.self.packages.x86_64-linux.dashboard;
    };
}
""")
    assert problems == []
    assert _summary(facts) == [
        ("dashboard", 11, None, []),
        ("dashboard-image", 12, "n2c.buildImage", []),
        ("docs", 18, None, ["x86_64-linux"]),
    ]


def test_rec_sets_inherit_with_and_helper_functions(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = { self, nixpkgs, nix2container }:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      inherit (pkgs.dockerTools) buildImage;
      n2c = nix2container.packages.x86_64-linux.nix2container;
      mkImage = name: n2c.buildImage { inherit name; };
      images = { api = mkImage "api"; };
    in {
      packages.x86_64-linux = rec {
        plain = buildImage { name = "plain"; };
        alias = plain;
        helper = mkImage "helper";
        nested = images.api;
        withed = with pkgs.dockerTools; buildLayeredImage { name = "w"; };
        notAnImage = pkgs.hello.buildImage { };
        lookalike = pkgs.somethingElse.buildLayeredImage { };
      };
    };
}
""")
    assert problems == []
    assert _summary(facts) == [
        ("plain", 11, "buildImage", ["x86_64-linux"]),
        ("alias", 12, "buildImage", ["x86_64-linux"]),
        ("helper", 13, "n2c.buildImage", ["x86_64-linux"]),
        ("nested", 14, "n2c.buildImage", ["x86_64-linux"]),
        ("withed", 15, "buildLayeredImage", ["x86_64-linux"]),
        ("notAnImage", 16, None, ["x86_64-linux"]),
        ("lookalike", 17, None, ["x86_64-linux"]),
    ]


def test_packages_outside_outputs_are_ignored(make_repo: RepoFactory) -> None:
    facts, _ = _scan(make_repo, """{
  description = "x";
  nixConfig.packages = [ "not-a-package" ];
  inputs = { packages.url = "github:acme/packages"; };
  outputs = { self }: { };
}
""")
    assert facts.path == "flake.nix" and facts.packages == []


def test_syntax_error_is_a_problem_and_the_rest_is_read(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = { self, nixpkgs }: {
    packages.x86_64-linux.good = nixpkgs.legacyPackages.x86_64-linux.hello;
    packages.x86_64-linux.broken = ;
    packages.x86_64-linux.later = nixpkgs.legacyPackages.x86_64-linux.jq;
  };
}
""")
    assert [p.name for p in facts.packages] == ["good", "broken", "later"]
    assert len(problems) == 1
    line, message = problems[0]
    assert (line, message) == (
        4, "Nix syntax error at column 35: a value is missing; only the parts that parse are read")


def test_truncated_flake_is_one_problem_at_the_unparsable_start(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = { self, nixpkgs }: {
    packages.x86_64-linux.first = nixpkgs.legacyPackages.x86_64-linux.hello;
    packages.x86_64-linux.second = (nixpkgs.legacyPackages.x86_64-linux.jq;
""")
    # tree-sitter cannot place the unclosed brackets, so the whole file is one ERROR node.
    assert facts.path == "flake.nix" and facts.packages == []
    assert problems == [(1, "Nix syntax error at column 1: unexpected `{ outputs = { self, "
                            "nixpkgs }: { packag…`; only the parts that parse are read")]


def test_absent_flake(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, "")
    assert facts.path == "flake.nix" and facts.packages == []
    repo = make_repo({"README.md": "no flake\n"})
    ctx = context_for(repo)
    assert scan_flake(ctx) == FlakeFacts(path=None)
    assert ctx.problems == [] and problems == []


def test_fifo_and_directory_named_flake_nix_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo({"README.md": "x\n"})
    os.mkfifo(repo / "flake.nix")
    ctx = context_for(repo)
    assert scan_flake(ctx) == FlakeFacts(path=None)
    assert [(p.path, p.message) for p in ctx.problems] == [
        ("flake.nix", "not a regular file; not read"),
    ]
    repo = make_repo({"flake.nix/default.nix": "{ }\n"})
    ctx = context_for(repo)
    assert scan_flake(ctx) == FlakeFacts(path=None)
    assert [(p.path, p.message) for p in ctx.problems] == [
        ("flake.nix", "not a regular file; not read"),
    ]


def test_configured_flake_path(make_repo: RepoFactory) -> None:
    repo = make_repo({"nix/flake.nix": "{ outputs = _: { packages.x86_64-linux.a = 1; }; }\n"})
    ctx = context_for(repo, Config(flake_path="nix/flake.nix"))
    facts = scan_flake(ctx)
    assert facts.path == "nix/flake.nix"
    assert _summary(facts) == [("a", 1, None, ["x86_64-linux"])]


def test_deep_nesting_is_bounded(make_repo: RepoFactory) -> None:
    depth = 5 * MAX_NIX_DEPTH
    nested = "(" * depth + "{ deep = 1; }" + ")" * depth
    facts, problems = _scan(make_repo, (
        "{\n  outputs = _: {\n    packages.x86_64-linux.shallow = 1;\n"
        f"    packages.x86_64-linux = {nested};\n  }};\n}}\n"
    ))
    assert [p.name for p in facts.packages] == ["shallow"]
    assert problems == [(4, f"nesting deeper than {MAX_NIX_DEPTH} levels; packages below it "
                            "are not read")]


_UNFOLLOWED = (
    f"the value here is not followed: it goes through more than {MAX_NIX_DEPTH} names and "
    "wrappers (or round a cycle), so what it builds is unknown"
)


def test_self_referencing_bindings_terminate_with_a_problem(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = _: let a = b; b = a; c = c.x; in {
    packages.x86_64-linux = { loop = a; sel = c; };
  };
}
""")
    assert problems == [(3, _UNFOLLOWED)]
    assert _summary(facts) == [("loop", 3, None, ["x86_64-linux"]),
                               ("sel", 3, None, ["x86_64-linux"])]


def test_an_entry_that_cannot_be_followed_leaves_its_siblings(make_repo: RepoFactory) -> None:
    facts, problems = _scan(make_repo, """{
  outputs = _: let c = c.x; in {
    packages.x86_64-linux = { inherit (c) foo; bar = 1; baz = 2; };
  };
}
""")
    assert problems == [(3, _UNFOLLOWED)]
    assert _summary(facts) == [("bar", 3, None, ["x86_64-linux"]), ("baz", 3, None, ["x86_64-linux"]),
                               ("foo", 3, None, ["x86_64-linux"])]


def _chain(length: int) -> str:
    """A flake whose package is an image builder call reached through `length` names."""
    names = "".join(f"      a{i + 1} = a{i};\n" for i in range(length))
    return (
        "{\n  outputs = { n2c, ... }: let\n"
        '      a0 = n2c.packages.x86_64-linux.nix2container.buildImage { name = "x"; };\n'
        f"{names}"
        f"    in {{ packages.x86_64-linux.image = a{length}; }};\n}}\n"
    )


def test_a_chain_of_names_is_followed_up_to_the_limit_then_reported(
    make_repo: RepoFactory,
) -> None:
    builder = "n2c.packages.x86_64-linux.nix2container.buildImage"
    facts, problems = _scan(make_repo, _chain(MAX_NIX_DEPTH - 10))
    assert problems == []
    assert [(p.name, p.image_builder) for p in facts.packages] == [("image", builder)]
    facts, problems = _scan(make_repo, _chain(MAX_NIX_DEPTH + 10))
    assert problems == [(MAX_NIX_DEPTH + 14, _UNFOLLOWED)]
    assert [(p.name, p.image_builder) for p in facts.packages] == [("image", None)]


_NIX_TOKENS = [
    "{", "}", "(", ")", "[", "]", ";", ":", ".", ",", "=", "//", "@", "...", "?", "${", "outputs",
    "packages", "perSystem", "flake", "x86_64-linux", '"quoted name"', "let", "in", "rec",
    "inherit", "with", "if", "then", "else", "assert", "n2c", "buildImage", "dockerTools",
    "buildLayeredImage", "system", "a", "b", "import", "./x.nix", "# comment\n", '"s${a}"', "\n",
]


def test_arbitrary_nix_never_raises(make_repo: RepoFactory) -> None:
    repo = make_repo({"flake.nix": "{ }\n"})
    ctx = context_for(repo)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(_NIX_TOKENS), max_size=80))
    def check(tokens: list[str]) -> None:
        (repo / "flake.nix").write_text("{ outputs = " + " ".join(tokens) + "; }\n")
        ctx.problems.clear()
        facts = scan_flake(ctx)
        assert facts.path == "flake.nix"
        assert all(p.message.startswith(("Nix syntax error", "nesting deeper"))
                   for p in ctx.problems)
        assert len({p.name for p in facts.packages}) == len(facts.packages)

    check()


def test_doubling_merge_chain_is_linear_not_exponential(make_repo: RepoFactory) -> None:
    import time

    lets = "\n".join(f"      a{i} = a{i - 1} // a{i - 1};" for i in range(1, 41))
    flake = (
        "{\n  outputs = { self, nixpkgs }:\n    let\n      a0 = { app = nixpkgs.hello; };\n"
        f"{lets}\n    in {{ packages.x86_64-linux = a40; }};\n}}\n"
    )
    repo = make_repo({"flake.nix": flake})
    ctx = context_for(repo)
    started = time.monotonic()
    facts = scan_flake(ctx)
    assert time.monotonic() - started < 5
    assert [p.name for p in facts.packages] == ["app"]
    assert ctx.problems == []
