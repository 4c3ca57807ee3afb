"""Record errors, importable without the record machinery (the CLI maps them to exit codes)."""


class AnswersError(Exception):
    """The answers cannot be used; the message names the file, key and reason (exit 2)."""


class RecordUnusable(Exception):
    """The record or the trust roots cannot be read at all (exit 2)."""


class DecisionRefused(Exception):
    """The decision cannot be recorded or signed as asked (exit 1); nothing was written."""


class CommitError(Exception):
    """git refused the commit; the message is git's own last line (exit 1)."""
