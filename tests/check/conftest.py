"""Check tests use the same signed seed repository as the record tests."""

from tests.record.conftest import signed_repo

__all__ = ["signed_repo"]
