"""`check` output: plain text, GitHub workflow commands (inline annotations), JSON."""

from __future__ import annotations

from typing import Any

from wizard.check.findings import CheckResult, Finding
from wizard.text import printable


def _where(finding: Finding) -> str:
    if finding.path is None:
        return ""
    return f"{finding.path}:{finding.line}: " if finding.line else f"{finding.path}: "


def _summary(result: CheckResult, failed: bool) -> str:
    subject = result.artifact or "the artifact"
    basis = f"record {result.record}" if result.record else "no valid decision record"
    verdict = "FAILED" if failed else "passed"
    return f"release-gate check {verdict} for {subject} ({result.authority}; {basis})"


def text_lines(result: CheckResult, failed: bool) -> list[str]:
    lines = [
        printable(f"{f.level}: {_where(f)}{f.message}", single_line=True) for f in result.findings
    ]
    return [*lines, printable(_summary(result, failed), single_line=True)]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(result: CheckResult, failed: bool) -> list[str]:
    """`::error file=…,line=…::message` so findings appear inline on pull requests."""
    lines = []
    for finding in result.findings:
        props = []
        if finding.path:
            props.append(f"file={_escape_property(finding.path)}")
            if finding.line:
                props.append(f"line={finding.line}")
        head = f"::{finding.level} {','.join(props)}" if props else f"::{finding.level}"
        lines.append(f"{head}::{_escape_data(printable(finding.message, single_line=True))}")
    lines.append(printable(_summary(result, failed), single_line=True))
    return lines


def json_report(result: CheckResult, failed: bool) -> dict[str, Any]:
    return {
        "artifact": result.artifact,
        "authority": result.authority,
        "record": result.record,
        "passed": not failed,
        "findings": [
            {"level": f.level, "message": f.message, "path": f.path, "line": f.line}
            for f in result.findings
        ],
    }
