"""A list of findings in which each piece of evidence can be opened to show the file around it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.literal import line, location, plain, status
from wizard.facts import Evidence, Fact, Problem
from wizard.gates.model import RequirementResult


class Row(Visual):
    """`lead` starts the first line; `body` wraps under itself (a hanging indent).

    Wrapped when drawn, at the width the list has then, so a row never shows wrapped for a
    width the list no longer has (before its first resize, or once a scrollbar appears).
    """

    def __init__(self, lead: Content, body: Content, evidence: Evidence | None = None) -> None:
        self.lead, self.body, self.evidence = lead, body, evidence
        self._wrapped: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return self.lead.plain + self.body.plain

    def lines(self, width: int) -> Content:
        """The row wrapped to `width` cells (the last width asked for is kept)."""
        if self._wrapped is not None and self._wrapped[0] == width:
            return self._wrapped[1]
        indent = self.lead.cell_length
        pieces = self.body.wrap(max(12, width - indent)) or [Content("")]
        pad = Content(" " * indent)
        wrapped = Content("\n").join([self.lead + pieces[0], *(pad + p for p in pieces[1:])])
        self._wrapped = (width, wrapped)
        return wrapped

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.lines(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.lead.cell_length + self.body.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.lines(width).get_height(rules, width)


class EvidenceList(OptionList):
    """Text rows (not selectable) interleaved with `path:line` rows (selectable)."""

    @dataclass
    class Open(Message):
        evidence: Evidence

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(markup=False, id=id, classes=classes)

    def text(self, body: Content, lead: Content | str = "") -> None:
        self._add(Row(Content(lead) if isinstance(lead, str) else lead, body))

    def evidence(self, evidence: Evidence, indent: int = 4) -> None:
        lead = line(" " * indent, ("→ ", "bold"))
        self._add(Row(lead, location(evidence), evidence))

    def requirement(self, requirement: RequirementResult) -> None:
        self.text(plain(requirement.text), lead=line(status(requirement.status), "  "))
        if requirement.reason:
            self.text(plain(requirement.reason).stylize("$text-muted"), lead="    ")
        for item in requirement.evidence:
            self.evidence(item)

    def fact(self, fact: Fact) -> None:
        self.text(plain(fact.text), lead="• ")
        for item in fact.evidence:
            self.evidence(item)

    def problem(self, problem: Problem) -> None:
        self.text(plain(problem.message), lead=line(("! ", "bold $text-warning")))
        if problem.path and problem.path != ".":
            self.evidence(Evidence(problem.path, problem.line, None))

    def _add(self, row: Row) -> None:
        # Only rows that cite evidence can be chosen (Enter opens the file around the line).
        self.add_option(Option(row, disabled=row.evidence is None))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = event.option.prompt
        if isinstance(row, Row) and row.evidence is not None:
            self.post_message(self.Open(row.evidence))
