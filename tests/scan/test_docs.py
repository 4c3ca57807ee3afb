from __future__ import annotations

from pathlib import Path

from tests.conftest import RepoFactory
from tests.helpers import context_for
from wizard.config import Config
from wizard.facts import DocMention, DocPage
from wizard.limits import MAX_MARKDOWN_BYTES
from wizard.scan.docs import DocTerms, scan_docs

IMAGE = "ghcr.io/acme/runner-dashboard"
TERMS = DocTerms(
    artifact="runner-dashboard",
    images=[IMAGE],
    derivation_attrs=["runner-dashboard"],
    image_attrs=["runner-dashboard-image"],
    flakehub_names=["acme/fleet"],
)
SEED_TERMS = DocTerms(
    artifact="runner-dashboard",
    images=["ghcr.io/tinyland-inc/runner-dashboard"],
    derivation_attrs=["runner-dashboard"],
    image_attrs=["runner-dashboard-image"],
    flakehub_names=["acme/fleet"],
)


def _kinds(mentions: list[DocMention]) -> list[tuple[str, int, str]]:
    return [(m.path, m.line, m.mentions) for m in mentions]


def test_seed_pages_and_mentions(seed_repo: Path) -> None:
    ctx = context_for(seed_repo)
    mentions, pages = scan_docs(ctx, SEED_TERMS)
    assert [(p.path, p.roles, p.title) for p in pages] == [
        ("docs/dashboard/container-build.md", ["container-build"],
         "Building the dashboard container"),
        ("docs/dashboard/overview.md", ["overview"], "Runner dashboard overview"),
        ("docs/dashboard/release.md", ["release"], "Releasing the dashboard"),
        ("docs/operators/onboarding.md", ["onboarding"], "Operator onboarding"),
    ]
    assert pages[2].reason == (
        '"release" in the file name release.md and "releasing" in the first heading '
        '"Releasing the dashboard"'
    )
    assert _kinds(mentions) == [
        ("docs/dashboard/container-build.md", 7, "registry-image"),
        ("docs/dashboard/overview.md", 5, "registry-image"),
        ("docs/dashboard/release.md", 5, "registry-image"),
        ("docs/dashboard/release.md", 9, "registry-image"),
        ("docs/development/nix.md", 5, "derivation"),
        ("docs/development/nix.md", 6, "nix-image"),
        ("docs/operators/onboarding.md", 6, "registry-image"),
        ("docs/operators/onboarding.md", 10, "registry-image"),
    ]
    primary = {p.path for p in pages}
    assert {m.mentions for m in mentions if m.path in primary} == {"registry-image"}
    assert mentions[4].text == "- `nix build .#runner-dashboard` builds the dashboard derivation."
    assert mentions[4].roles == [] and mentions[0].roles == ["container-build"]
    assert ctx.problems == []


def test_fences_blockquotes_setext_and_comments(make_repo: RepoFactory) -> None:
    repo = make_repo({"docs/ship.md": (
        "Shipping the dashboard container\n"
        "================================\n"
        "\n"
        "> Pull it with:\n"
        "> ```sh\n"
        f"> docker pull {IMAGE}@sha256:{'a' * 64}\n"
        "> ```\n"
        "\n"
        f"<!-- old: {IMAGE}:0.9 -->\n"
        "\n"
        "~~~\n"
        f"FROM {IMAGE}:1.0 AS base\n"
        "~~~\n"
        "\n"
        f"    indented {IMAGE}\n"
        "\n"
        f"Not ours: {IMAGE}-worker:1.0 or {IMAGE}/sidecar or ghcr.io/other/runner-dashboard.\n"
    )})
    mentions, pages = scan_docs(context_for(repo), TERMS)
    assert [(m.line, m.text) for m in mentions] == [
        (6, f"> docker pull {IMAGE}@sha256:{'a' * 64}"),
        (12, f"FROM {IMAGE}:1.0 AS base"),
        (15, f"indented {IMAGE}"),
    ]
    assert pages == [DocPage(
        "docs/ship.md", ["container-build"], "Shipping the dashboard container",
        '"container" in the first heading "Shipping the dashboard container"',
    )]
    assert all(m.roles == ["container-build"] for m in mentions)


def test_flake_attribute_boundaries(make_repo: RepoFactory) -> None:
    repo = make_repo({"docs/nix.md": (
        "# Nix\n"
        "\n"
        "nix build .#runner-dashboard-image\n"
        "nix build .#runner-dashboard\n"
        "nix run .#runner-dashboard-image.copyToRegistry\n"
        "nix build .#packages.x86_64-linux.runner-dashboard\n"
        "see packages.runner-dashboard-image and packages.${system}.runner-dashboard\n"
        "See [the section](overview.md#runner-dashboard) or #runner-dashboard.\n"
        "nix build .#runner-dashboard-extra and packages.runner-dashboards\n"
        "nix build github:acme/fleet#runner-dashboard\n"
    )})
    mentions, pages = scan_docs(context_for(repo), TERMS)
    assert [(m.line, m.mentions) for m in mentions] == [
        (3, "nix-image"),
        (4, "derivation"),
        (5, "nix-image"),
        (6, "derivation"),
        (7, "nix-image"),
        (7, "derivation"),
        (10, "derivation"),
    ]
    assert pages == []


def test_flakehub_and_profile_install_are_derivation_mentions(make_repo: RepoFactory) -> None:
    repo = make_repo({"INSTALL.md": (
        "# Install\n"
        "\n"
        "nix profile install https://flakehub.com/f/acme/fleet/0.1\n"
        "nix profile install .\n"
        "nix profile install nixpkgs#hello\n"
        "We do not publish to FlakeHub yet.\n"
        "inputs.nixpkgs.url = \"https://flakehub.com/f/NixOS/nixpkgs/0.1\"\n"
    )})
    mentions, pages = scan_docs(context_for(repo), TERMS)
    # Only this flake on FlakeHub is its derivation; nixpkgs there is somebody else's.
    assert [(m.line, m.mentions) for m in mentions] == [(3, "derivation"), (4, "derivation")]
    assert [(p.path, p.roles) for p in pages] == [("INSTALL.md", ["onboarding"])]


def test_configured_roles_override_guesses_for_their_role(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "docs/RELEASING.md": "# How we ship\n\nPush a tag.\n",
        "docs/release-notes.md": f"# Release notes\n\n{IMAGE}:1.0 is out.\n",
        "docs/overview.md": f"# Overview\n\nThe dashboard ships as {IMAGE}.\n",
    })
    config = Config(path=".release-gate.yaml", doc_roles={
        "release": ["docs/RELEASING.md"], "onboarding": ["docs/missing.md"],
    }, line_of={"docs": 4})
    ctx = context_for(repo, config)
    mentions, pages = scan_docs(ctx, TERMS)
    assert pages == [
        DocPage("docs/RELEASING.md", ["release"], "How we ship",
                "configured in .release-gate.yaml docs.release"),
        DocPage("docs/overview.md", ["overview"], "Overview",
                '"overview" in the file name overview.md and the first heading "Overview"'),
    ]
    assert [(m.path, m.roles) for m in mentions] == [
        ("docs/overview.md", ["overview"]), ("docs/release-notes.md", []),
    ]
    assert [(p.path, p.line, p.message) for p in ctx.problems] == [
        (".release-gate.yaml", 4,
         "docs.onboarding names docs/missing.md, which is not a file in the repository"),
    ]


def test_pages_must_be_about_the_artifact(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "docs/billing/release.md": "# Releasing billing\n\nghcr.io/acme/billing:1\n",
        "docs/runner-dashboard/README.md": "# Runner dashboard\n\nWatches runners.\n",
        "docs/dashboard/index.md": "# Dashboard\n\nNothing about runner-dashboard-x.\n",
        "docs/deploy.md": "# Deploying\n\nUse the runner-dashboard stack.\n",
        "docs/about-releases.md": "# About releases\n\nHow runner-dashboard ships.\n",
    })
    mentions, pages = scan_docs(context_for(repo), TERMS)
    assert mentions == []
    assert [(p.path, p.roles, p.reason) for p in pages] == [
        ("docs/about-releases.md", ["overview", "release"],
         'overview: "about" in the file name about-releases.md and the first heading '
         '"About releases"; release: "releases" in the file name about-releases.md and the '
         'first heading "About releases"'),
        ("docs/deploy.md", ["onboarding"],
         '"deploy" in the file name deploy.md and "deploying" in the first heading "Deploying"'),
        ("docs/runner-dashboard/README.md", ["overview"],
         "README.md inside docs/runner-dashboard/, a directory named for runner-dashboard"),
    ]


def test_doc_paths_records_dir_and_markdown_extensions(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "docs/a.markdown": f"{IMAGE}\n",
        "docs/decisions/release-authority/0001-keep.md": f"{IMAGE}\n",
        "handbook/b.md": f"{IMAGE}\n",
        "docs/c.txt": f"{IMAGE}\n",
    })
    mentions, _ = scan_docs(context_for(repo), TERMS)
    assert [m.path for m in mentions] == ["docs/a.markdown", "handbook/b.md"]
    mentions, _ = scan_docs(context_for(repo, Config(doc_paths=["handbook"])), TERMS)
    assert [m.path for m in mentions] == ["handbook/b.md"]


def test_text_is_cleaned_and_bounded_and_crlf_lines_count(make_repo: RepoFactory) -> None:
    long_tail = "x" * 300
    repo = make_repo({"docs/x.md": (
        f"# Title\r\n\r\n\x1b[31m{IMAGE}\x1b[0m \u202eevil\r\nline\r\n{IMAGE} {long_tail}\r\n"
    )})
    mentions, _ = scan_docs(context_for(repo), TERMS)
    assert [(m.line, m.text) for m in mentions] == [
        (3, f"{IMAGE} <U+202E>evil"),
        (5, f"{IMAGE} {long_tail}"[:199] + "…"),
    ]
    assert len(mentions[1].text) == 200


def test_unreadable_oversized_and_binary_markdown_are_problems(make_repo: RepoFactory) -> None:
    repo = make_repo({
        "docs/ok.md": f"{IMAGE}\n",
        "docs/big.md": f"{IMAGE}\n" + "a\n" * (MAX_MARKDOWN_BYTES // 2),
        "docs/huge-unrelated.md": "b\n" * (MAX_MARKDOWN_BYTES // 2 + 1),
    })
    (repo / "docs" / "latin1.md").write_bytes(f"{IMAGE} caf\xe9\n".encode("latin-1"))
    (repo / "docs" / "out.md").symlink_to("/etc/hostname")
    ctx = context_for(repo)
    mentions, _ = scan_docs(ctx, TERMS)
    assert [m.path for m in mentions] == ["docs/ok.md"]
    size = len(IMAGE) + 1 + MAX_MARKDOWN_BYTES
    assert sorted((p.path, p.message) for p in ctx.problems) == [
        ("docs/big.md", f"{size} bytes is over the {MAX_MARKDOWN_BYTES} byte Markdown limit; "
                        "not read"),
        ("docs/latin1.md", f"not valid UTF-8 (byte {len(IMAGE) + 4})"),
        ("docs/out.md", "symlink leads outside the repository; not read"),
    ]


def test_hostile_inline_markup_stays_fast(make_repo: RepoFactory) -> None:
    repo = make_repo({"docs/x.md": f"# {IMAGE}\n\n" + "[" * 500_000 + "\n"})
    mentions, _ = scan_docs(context_for(repo), TERMS)
    assert [(m.line, m.mentions) for m in mentions] == [(1, "registry-image")]
