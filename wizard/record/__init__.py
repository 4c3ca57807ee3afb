"""Decision records: answers and sign-offs (`answers`), content (`content`), writing shared by the
TUI and `decide` (`write`), signing (`sign`), verification (`verify`), the record in force
(`lookup`). Import the submodule you need; this package imports nothing so `scan` stays light."""
