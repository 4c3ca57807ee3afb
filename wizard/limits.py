"""Explicit bounds on what a scan reads, so hostile repositories cannot exhaust time or memory.

Exceeding any of these becomes a `problems` entry naming the file, never a silent skip.
"""

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest single file parsed (workflows, actions, scripts, flake.nix, .tf, Markdown)."""

MAX_YAML_NODES = 200_000
"""Nodes one YAML document may expand to, counting every alias expansion (alias bombs)."""

MAX_YAML_DEPTH = 64
"""Deepest YAML nesting accepted; real workflows stay below 15."""

MAX_SCRIPT_DEPTH = 3
"""How many levels of `run:` -> script -> script, composite -> composite are followed."""

MAX_NIX_DEPTH = 400
"""Deepest Nix syntax tree walked when resolving flake packages."""

MAX_NIX_STEPS = 200_000
"""Expressions visited while resolving flake packages; `a // a` chains would otherwise double
the work per line (a 600-byte flake could take hours)."""

MAX_RESOLVED_CHARS = 4096
"""Longest text substituting shell variables or static `${{ }}` values may produce; `A=$A$A`
repeated would otherwise double a value per line. A longer result stays as written (unknown)."""

MAX_SCRIPT_BYTES = 16 * 1024 * 1024
"""Most shell a scan reads, counting a script each time a job reads it (YAML aliases, matrix
combinations, one script run from several steps); each distinct text is parsed once. Parsing
takes ~1-1.7 s per MiB here, reading the parsed commands into a job again ~0.4 s."""

MAX_MATRIX_COMBINATIONS = 256
"""Most combinations of a static job matrix expanded into separate publications."""

MAX_MARKDOWN_BYTES = 1024 * 1024
"""Largest Markdown file parsed for mentions; markdown-it-py's block parser needs ~3.5 s per MiB
on hostile input (millions of short lines), real docs pages stay far below."""

MAX_MARKDOWN_NESTING = 20
"""Deepest nesting of Markdown lists and block quotes read (markdown-it-py's CommonMark default,
which guards its recursion); lines nested deeper are reported, not read."""

MAX_NEEDS_WALK = 1_000_000
"""Most `needs:` edges walked per workflow to link a publication with guards in other jobs."""
