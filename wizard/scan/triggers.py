"""A workflow's `on:` as normalised trigger strings, in all three shapes GitHub accepts.

`push` keeps its branch/tag filters (`push:branches=main`, `push:tags=v*.*.*`), `release` its
activity types (`release:published`); every other event is its bare name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wizard.scan.expressions import text_of
from wizard.yamlsafe import YMap, YSeq

_PUSH_FILTERS = ("branches", "branches-ignore", "tags", "tags-ignore")


def _values(value: Any) -> list[str]:
    if isinstance(value, YSeq):
        return [t for t in (text_of(item) for item in value) if t is not None]
    text = text_of(value)
    return [text] if text is not None else []


def _event(name: str, body: Any) -> list[str]:
    if not isinstance(body, YMap):
        return [name]
    if name == "push":
        filtered = [
            f"push:{key}={','.join(_values(body[key]))}"
            for key in _PUSH_FILTERS
            if key in body and _values(body[key])
        ]
        return filtered or [name]
    if name == "release" and "types" in body and _values(body["types"]):
        return [f"release:{','.join(_values(body['types']))}"]
    return [name]


Report = Callable[[str, int | None, str], None]


def workflow_triggers(report: Report, path: str, root: YMap) -> list[str]:
    """The normalised triggers of a workflow; a malformed `on:` is a problem and gives none."""
    if "on" not in root:
        report(path, root.line, "workflow has no `on:` triggers")
        return []
    on = root["on"]
    if isinstance(on, YMap):
        triggers: list[str] = []
        for name, body in on.items():
            triggers.extend(_event(name, body))
        return triggers
    if isinstance(on, YSeq):
        names = [text_of(item) for item in on]
        if any(name is None for name in names):
            report(path, root.line_of("on"), "`on:` lists something that is not an event name")
        return [name for name in names if name]
    text = text_of(on)
    if text:
        return [text]
    report(path, root.line_of("on"), "`on:` is neither an event, a list nor a mapping")
    return []


def only_called(triggers: list[str]) -> bool:
    """A reusable workflow that nothing but another workflow can start."""
    return bool(triggers) and all(trigger == "workflow_call" for trigger in triggers)


def call_input_defaults(root: YMap) -> dict[str, str]:
    """`on.workflow_call.inputs.<name>.default` of a reusable workflow."""
    on = root.get("on")
    call = on.get("workflow_call") if isinstance(on, YMap) else None
    inputs = call.get("inputs") if isinstance(call, YMap) else None
    return input_defaults(inputs)


def input_defaults(inputs: Any) -> dict[str, str]:
    """`<name>.default` of an `inputs:` declaration (reusable workflow or composite action)."""
    if not isinstance(inputs, YMap):
        return {}
    defaults: dict[str, str] = {}
    for name, spec in inputs.items():
        if isinstance(spec, YMap):
            default = text_of(spec.get("default"))
            if default is not None:
                defaults[name] = default
    return defaults
