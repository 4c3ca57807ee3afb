"""Generated Markdown: docs trees per team and a README per service.

Most pages mention nothing the scanner looks for; a small share shows `docker pull` of some
service image or `nix build .#tool-N`, and a handful name the seed's image or flake packages.
"""

from __future__ import annotations

import random

from gen_workflows import FLAKE_TOOLS
from vocab import ARTIFACT_IMAGE, TEAMS, WORDS, Service, paragraph, sentence

Files = dict[str, str]

TOPICS = ("guides", "reference", "runbooks", "architecture", "howto", "adr", "onboarding")
ARTIFACT_PAGES = 15
"""Pages that name the runner dashboard's image or its flake packages."""


def _code_block(rng: random.Random, svc: Service, mention: str | None) -> list[str]:
    if mention == "image":
        body = [f"docker pull {svc.image}:{rng.randint(1, 9)}.{rng.randint(0, 20)}.0",
                f"docker run --rm -p 8080:8080 {svc.image}:latest"]
        return ["```bash", *body, "```"]
    if mention == "nix":
        return ["```console", f"$ nix build .#tool-{rng.randrange(FLAKE_TOOLS)}",
                "$ ./result/bin/tool --help", "```"]
    if rng.random() < 0.5:
        return ["```yaml", f"service: {svc.name}", f"replicas: {rng.randint(1, 6)}",
                "resources:", f"  cpu: {rng.randint(1, 4)}00m", "```"]
    return ["```bash", f"make -C {svc.directory} test",
            f"curl -s localhost:8080/{rng.choice(WORDS)}", "```"]


def _table(rng: random.Random) -> list[str]:
    rows = ["| Setting | Default | Meaning |", "| --- | --- | --- |"]
    rows += [f"| `{rng.choice(WORDS)}_{rng.choice(WORDS)}` | {rng.randint(1, 500)} | "
             f"{sentence(rng, 4, 9)} |" for _ in range(rng.randint(2, 6))]
    return rows


def _page(rng: random.Random, title: str, svc: Service, mention: str | None) -> str:
    lines = [f"# {title}", "", paragraph(rng, rng.randint(2, 4)), ""]
    for section in range(rng.randint(2, 6)):
        lines += [f"## {sentence(rng, 2, 5)[:-1]}", "", paragraph(rng, rng.randint(2, 5)), ""]
        roll = rng.random()
        if roll < 0.3:
            lines += [f"- {sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 5))] + [""]
        elif roll < 0.5:
            lines += [*_table(rng), ""]
        if section == 0 or rng.random() < 0.3:
            lines += [*_code_block(rng, svc, mention if section == 0 else None), ""]
    return "\n".join(lines)


def _artifact_page(rng: random.Random, index: int) -> str:
    """A page about the runner dashboard that names its image, Nix image or derivation."""
    kind = index % 3
    if kind == 0:
        code = [f"docker pull {ARTIFACT_IMAGE}:v1.4.{index}"]
    elif kind == 1:
        code = ["nix build .#runner-dashboard-image", "docker load < result"]
    else:
        code = ["nix build .#runner-dashboard", "./result/bin/runner-dashboard"]
    return "\n".join([
        f"# Runner dashboard notes {index}", "", paragraph(rng, 3), "",
        "## Getting the dashboard", "", paragraph(rng, 2), "", "```bash", *code, "```", "",
        "## Operating it", "", paragraph(rng, 4), "",
    ])


def generate_docs(seed: int, services: list[Service], count: int) -> Files:
    """`count` Markdown files: a README per service, then docs pages by team and topic."""
    rng = random.Random(f"{seed}:docs")
    files: Files = {}
    for index in range(ARTIFACT_PAGES):
        files[f"docs/dashboard/notes/note-{index}.md"] = _artifact_page(rng, index)
    for svc in services:
        mention = "image" if rng.random() < 0.5 else None
        files[f"{svc.directory}/README.md"] = _page(rng, svc.name, svc, mention)
    sections = [f"docs/{team}/{topic}" + "".join(f"/{w}" for w in rng.sample(WORDS, depth))
                for team in TEAMS for topic in TOPICS for depth in (0, 1, 1, 2)]
    index = 0
    while len(files) < count:
        svc = services[index % len(services)]
        roll = rng.random()
        mention = "image" if roll < 0.03 else "nix" if roll < 0.04 else None
        directory = rng.choice(sections)
        files[f"{directory}/page-{index}.md"] = _page(rng, sentence(rng, 2, 6)[:-1], svc, mention)
        index += 1
    return dict(list(files.items())[:count])
