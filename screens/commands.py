"""Command palette: jump to any gate or the summary, go back to the start, theme and help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wizard.gates.render import STATUS_WORDS

if TYPE_CHECKING:
    from screens.app import ReleaseGateApp

Command = tuple[str, Callable[[], object], str]


class WizardCommands(Provider):
    def _commands(self) -> list[Command]:
        app = cast("ReleaseGateApp", self.app)
        review = app.review
        commands: list[Command] = []
        if review is not None and review.draft is not None:
            for index, gate in enumerate(review.gates):
                commands.append(
                    (
                        f"Go to gate {gate.number}: {gate.title}",
                        partial(app.show_gate, index),
                        f"The tool says {STATUS_WORDS[gate.status]}",
                    )
                )
            commands.append(
                ("Go to the summary", app.show_summary, "Every sign-off; write the record")
            )
        if review is not None:
            commands.append(
                ("Go to the start", app.show_start, "Repository summary and candidate choice")
            )
        commands.append(
            ("Toggle light/dark theme", app.action_toggle_dark, "Switch between light and dark")
        )
        commands.append(("Help", app.action_help, "Keys and how the review works"))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
