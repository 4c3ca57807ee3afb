"""Modal screens: confirm, message (errors shown literally), file excerpt, help."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.keys import KeyFooter
from screens.literal import line, plain
from wizard.excerpt import Excerpt


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; the body is literal text built by the caller."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, body: Content, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self._title, self._body, self._yes, self._no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, markup=False, classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, id="yes", variant="primary")
                yield Button(self._no, id="no")
        yield KeyFooter(show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class MessageModal(ModalScreen[None]):
    """An error or notice; `text` (often an exception message) is shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, text: str, error: bool = True) -> None:
        super().__init__(classes="dialog-screen")
        self._title, self._text, self._error = title, text, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error" if self._error else "dialog"):
            yield Static(self._title, markup=False, classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(plain(self._text, single_line=False), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")
        yield KeyFooter(show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ExcerptModal(ModalScreen[None]):
    """The lines of a file around one piece of evidence; the cited line is marked with ▶."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, excerpt: Excerpt) -> None:
        super().__init__(classes="dialog-screen")
        self._excerpt = excerpt

    def compose(self) -> ComposeResult:
        excerpt = self._excerpt
        where = f"{excerpt.path}:{excerpt.line}" if excerpt.line else excerpt.path
        with Vertical(classes="dialog excerpt"):
            yield Static(plain(where), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll", id="excerpt-lines"):
                if excerpt.problem:
                    yield Static(plain(excerpt.problem), classes="dialog-body")
                for row in excerpt.lines:
                    marker = ("▶ ", "bold $text-accent") if row.focus else "  "
                    yield Static(
                        line(marker, (f"{row.number:>5}  ", "$text-muted"), Content(row.text)),
                        classes="excerpt-line focus" if row.focus else "excerpt-line",
                    )
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        focus = self.query(".excerpt-line.focus")
        if focus:
            self.call_after_refresh(focus.first().scroll_visible, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


class HelpModal(ModalScreen[None]):
    """`screens/help.md`, shipped with the package."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        # Imported here: the Markdown widget is only needed once help is asked for.
        from textual.widgets import Markdown

        text = (resources.files("screens") / "help.md").read_text(encoding="utf-8")
        with Vertical(classes="dialog help"), VerticalScroll(classes="dialog-scroll"):
            yield Markdown(text)
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(".dialog-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
