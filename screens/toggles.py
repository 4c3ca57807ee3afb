"""Radio buttons and checkboxes whose state shows in the glyph, not only in its colour."""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class Choice(RadioButton):
    """`●` when chosen, blank when not."""

    def on_mount(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()


class Tick(Checkbox):
    """`X` when ticked, blank when not."""

    def on_mount(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()
