"""release-gate: review and record changes of release authority."""

__version__ = "0.1.0"
