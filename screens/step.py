"""The screens of the review itself (gates and summary), which replace one another."""

from __future__ import annotations

from textual.screen import Screen


class StepScreen(Screen[None]):
    """A step of the review; moving between steps swaps the screen instead of stacking it."""
