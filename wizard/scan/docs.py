"""Markdown docs: lines naming the artifact's image, its Nix image or its derivation.

CONTRACT: scan_docs(ctx, terms) -> (list[DocMention], list[DocPage])

Each file is searched as bytes first; only files that contain a term are parsed (markdown-it-py,
block level: the lines of paragraphs, headings, fences and code blocks, not HTML comments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from markdown_it import MarkdownIt
from markdown_it.token import Token

from wizard.facts import DocMention, DocPage, DocRole, Mention, Publication
from wizard.limits import MAX_MARKDOWN_BYTES, MAX_MARKDOWN_NESTING
from wizard.repo import FileProblem, decode_text, searchable_as_bytes
from wizard.scan.context import ScanContext
from wizard.scan.doc_lines import LineMatcher, normalise_newlines
from wizard.scan.doc_roles import guess_roles
from wizard.scan.refs import names_artifact
from wizard.text import printable, shorten

_MARKDOWN = (".md", ".markdown")
_TEXT_LIMIT = 200
_LEAF_BLOCKS = ("inline", "fence", "code_block", "html_block")
_KIND_ORDER: dict[Mention, int] = {"registry-image": 0, "nix-image": 1, "derivation": 2}
_ROLES: tuple[DocRole, ...] = get_args(DocRole)

# Block structure only: inline parsing is slow on hostile input (`[` repeated) and not needed.
_BLOCKS = MarkdownIt("commonmark", {"maxNesting": MAX_MARKDOWN_NESTING}).disable("inline")
# Blocks whose content markdown-it parses one level deeper; past the limit it drops that content.
_CONTAINERS = ("blockquote_open", "list_item_open")
_INLINE = MarkdownIt("commonmark")


@dataclass
class DocTerms:
    """What counts as a mention of the artifact."""

    artifact: str | None
    images: list[str] = field(default_factory=list)          # registry/owner/name, no tag
    derivation_attrs: list[str] = field(default_factory=list)  # flake packages that are not images
    image_attrs: list[str] = field(default_factory=list)       # flake packages that build images
    flakehub_names: list[str] = field(default_factory=list)    # this flake on FlakeHub: owner/name


def flakehub_names(publications: list[Publication], github_slug: str | None) -> list[str]:
    """Names this repository's flake has (or would have) on FlakeHub: what flakehub-push
    publishes, else the default, the GitHub `owner/name`."""
    names = [p.image_resolved or p.image for p in publications if p.kind == "flakehub"]
    return sorted({n for n in names if n and "${{" not in n} | ({github_slug} if github_slug
                                                                  else set()))


@dataclass
class _Document:
    title: str | None
    mentions: list[DocMention]
    about_artifact: bool  # it mentions the artifact, or names it in its path or text


def _plain(markdown: str) -> str:
    """A heading's text without Markdown markup."""
    tokens = _INLINE.parseInline(shorten(markdown, 500))
    children = tokens[0].children if tokens and tokens[0].children else []
    text = "".join(c.content if c.type in ("text", "code_inline") else " "
                   for c in children if c.type in ("text", "code_inline", "softbreak"))
    return printable(" ".join(text.split()), single_line=True)


def _content_lines(tokens: list[Token]) -> list[int]:
    """0-based source lines of leaf blocks; HTML comments are left out (they are not shown)."""
    lines: set[int] = set()
    for token in tokens:
        if token.type not in _LEAF_BLOCKS or not token.map:
            continue
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            continue
        lines.update(range(token.map[0], token.map[1]))
    return sorted(lines)


def _too_deep(tokens: list[Token]) -> int | None:
    """1-based line of the first list item or quote whose content is past the nesting limit."""
    for token in tokens:
        if token.type in _CONTAINERS and token.level >= MAX_MARKDOWN_NESTING - 1 and token.map:
            return token.map[0] + 1
    return None


def _first_heading(tokens: list[Token]) -> str | None:
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            title = _plain(tokens[index + 1].content)
            return title or None
    return None


class _Reader:
    def __init__(self, ctx: ScanContext, terms: DocTerms) -> None:
        self.ctx = ctx
        self.terms = terms
        self.matcher = LineMatcher(terms.images, terms.image_attrs, terms.derivation_attrs,
                                   terms.flakehub_names)
        needles = [terms.artifact or "", *terms.images, *terms.image_attrs,
                   *terms.derivation_attrs, *self.matcher.fixed_needles]
        self.needles = [n.lower().encode("utf-8") for n in needles if n]

    def read(self, path: str, required: bool) -> _Document | None:
        """The parsed document, or None when it mentions no term (and is not `required`)."""
        try:
            data = self.ctx.repo.read_bytes(path)
        except FileProblem as exc:
            self.ctx.problem(path, None, str(exc))
            return None
        lower = data.lower()
        about = names_artifact(path, self.terms.artifact)
        # A file the byte search cannot see into (UTF-16) goes on to be reported as unreadable.
        if (not required and not about and searchable_as_bytes(data)
                and not any(n in lower for n in self.needles)):
            return None
        if len(data) > MAX_MARKDOWN_BYTES:
            self.ctx.problem(path, None, f"{len(data)} bytes is over the {MAX_MARKDOWN_BYTES} "
                             "byte Markdown limit; not read")
            return None
        try:
            text = normalise_newlines(decode_text(data))
        except FileProblem as exc:
            self.ctx.problem(path, None, str(exc))
            return None
        tokens = _BLOCKS.parse(text)
        deep = _too_deep(tokens)
        if deep is not None:
            self.ctx.problem(path, deep, "lists or quotes nested deeper than the parser's "
                             f"{MAX_MARKDOWN_NESTING} levels (a list level counts two); "
                             "the lines inside are not read")
        lines = text.split("\n")
        mentions: list[DocMention] = []
        for index in _content_lines(tokens):
            # Matched as shown: terminal escapes are not text a reader sees.
            line = printable(lines[index], single_line=True).strip()
            about = about or names_artifact(line, self.terms.artifact)
            shown = shorten(line, _TEXT_LIMIT)
            for kind in self.matcher.kinds(line):
                mentions.append(DocMention(path, index + 1, kind, shown))
        return _Document(_first_heading(tokens), mentions, about)


def _in_paths(path: str, roots: list[str]) -> bool:
    return not roots or any(r == "." or path == r or path.startswith(f"{r}/") for r in roots)


def _configured(ctx: ScanContext) -> dict[str, list[DocRole]]:
    """Pages named in `.release-gate.yaml` docs.<role>, with their roles in canonical order."""
    pages: dict[str, list[DocRole]] = {}
    for role in _ROLES:
        for path in ctx.config.doc_roles.get(role, []):
            if not ctx.exists(path):
                ctx.problem(ctx.config.path or ".release-gate.yaml",
                            ctx.config.line_of.get("docs"),
                            f"docs.{role} names {path}, which is not a file in the repository")
                continue
            pages.setdefault(path, []).append(role)
    return pages


def scan_docs(ctx: ScanContext, terms: DocTerms) -> tuple[list[DocMention], list[DocPage]]:
    """Mentions of the artifact in Markdown (`paths.docs`, else everywhere; never the decision
    records) and the primary pages: configured ones, else guessed from the file name and first
    heading of pages about the artifact. Each mention carries its page's roles."""
    records = ctx.config.records_dir.rstrip("/") + "/"
    configured = _configured(ctx)
    configured_roles = {role for roles in configured.values() for role in roles}
    reader = _Reader(ctx, terms)
    mentions: list[DocMention] = []
    pages: list[DocPage] = []
    for path in ctx.files:
        if not path.lower().endswith(_MARKDOWN) or path.startswith(records):
            continue
        if path not in configured and not _in_paths(path, ctx.config.doc_paths):
            continue
        document = reader.read(path, required=path in configured)
        if document is None:
            continue
        reasons: dict[DocRole, str] = {
            role: f"configured in .release-gate.yaml docs.{role}"
            for role in configured.get(path, [])
        }
        if document.mentions or document.about_artifact:
            for role, reason in guess_roles(path, document.title, terms.artifact):
                if role not in configured_roles:
                    reasons.setdefault(role, reason)
        roles = sorted(reasons, key=_ROLES.index)
        if roles:
            reason = reasons[roles[0]] if len(roles) == 1 else "; ".join(
                f"{role}: {reasons[role]}" for role in roles)
            pages.append(DocPage(path, roles, document.title, reason))
        for mention in document.mentions:
            mention.roles = list(roles)
        mentions.extend(document.mentions)
    mentions.sort(key=lambda m: (m.path, m.line, _KIND_ORDER[m.mentions]))
    return mentions, sorted(pages, key=lambda p: p.path)
