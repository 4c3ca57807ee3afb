"""The Markdown report shows repository text literally, one table cell per field."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from wizard.gates.engine import evaluate, load_spec
from wizard.gates.render import markdown_report
from wizard.sample import SEED_FILES, build_seed_repo
from wizard.scan.repository import scan_repository

HOSTILE_TEXT = "Provenance <img src=x onerror=alert(1)> | *bold* `tick` [link](http://x)"
EXTRA = f"""
gates:
  security-parity:
    requirements:
      - id: provenance
        text: "{HOSTILE_TEXT}"
        check: provenance_present
"""


def test_requirement_text_is_escaped_in_the_markdown_table(tmp_path: Path) -> None:
    repo = build_seed_repo(
        tmp_path / "r", {".release-gate.yaml": SEED_FILES[".release-gate.yaml"] + EXTRA}
    )
    scan = scan_repository(repo)
    assert scan.config is not None
    report = markdown_report(
        scan, evaluate(scan, scan.config, load_spec(scan.config), ("dockerfile-image",))
    )
    escaped = r"Provenance \<img src=x onerror=alert(1)\> \| \*bold\* \`tick\` \[link\](http://x)"
    row = next(line for line in report.splitlines() if line.startswith("| Provenance"))
    assert row.startswith(f"| {escaped} | NOT MET | ")
    tokens = MarkdownIt("commonmark").enable("table").parse(report)
    inline = [child for t in tokens for child in (t.children or [])]
    assert not [t for t in inline if t.type in ("html_inline", "link_open", "em_open")]
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(cells) == 4 * len(rows)
    shown = next(t.content for t in tokens if t.type == "inline" and "Provenance" in t.content)
    # The table parser turns `\|` back into a pipe inside the cell.
    assert shown == escaped.replace(r"\|", "|")
