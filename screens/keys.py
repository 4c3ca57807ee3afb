"""The footer of every screen: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[Binding, bool, str], ...]


class KeyFooter(Footer):
    """Textual's Footer rebuilds all its keys (a layout pass each time) on every bindings
    signal; opening a screen sends four with the same keys. This one shows the keys when it is
    composed and rebuilds only when a key, its description, or whether it is enabled changed."""

    def __init__(self, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette)
        self._shown: Shown = ()
        self._pending = False

    def _keys(self) -> Shown:
        """What `Footer.compose` reads: the shown bindings, and the palette's."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    def compose(self) -> ComposeResult:
        # Textual's footer starts empty and fills in on the first signal; showing the keys at
        # once means that signal usually finds nothing to change.
        self._bindings_ready = True
        self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending and self._keys() != self._shown:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
