"""A list of findings in which each piece of evidence can be opened to show the file around it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.literal import line, location, plain, status
from wizard.facts import Evidence, Fact, Problem
from wizard.gates.model import RequirementResult

# Room kept for a vertical scrollbar, so text wrapped before it appears still fits after.
SCROLLBAR = 2


@dataclass(frozen=True)
class Row:
    """`lead` starts the first line; `body` wraps under itself (a hanging indent)."""

    lead: Content
    body: Content
    evidence: Evidence | None = None

    def prompt(self, width: int) -> Content:
        indent = self.lead.cell_length
        pieces = self.body.wrap(max(12, width - indent)) or [Content("")]
        pad = Content(" " * indent)
        return Content("\n").join([self.lead + pieces[0], *(pad + p for p in pieces[1:])])


class EvidenceList(OptionList):
    """Text rows (not selectable) interleaved with `path:line` rows (selectable)."""

    @dataclass
    class Open(Message):
        evidence: Evidence

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(markup=False, id=id, classes=classes)
        self._rows: list[Row] = []
        self._width = 0

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

    def clear_rows(self) -> None:
        self._rows.clear()
        self.clear_options()

    def _add(self, row: Row) -> None:
        self._rows.append(row)
        self.add_option(self._option(len(self._rows) - 1))

    def _option(self, index: int) -> Option:
        row = self._rows[index]
        width = self._width or 78
        if row.evidence is None:
            return Option(row.prompt(width), disabled=True)
        return Option(row.prompt(width), id=f"row-{index}")

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width - self.styles.gutter.width - SCROLLBAR
        if width == self._width or not self._rows:
            self._width = width
            return
        self._width = width
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([self._option(i) for i in range(len(self._rows))])
        self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("row-"):
            row = self._rows[int(option_id[len("row-") :])]
            if row.evidence is not None:
                self.post_message(self.Open(row.evidence))
