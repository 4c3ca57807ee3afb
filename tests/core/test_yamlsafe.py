from __future__ import annotations

import pytest

from wizard.limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from wizard.yamlsafe import YamlProblem, YMap, YSeq, YStr, load_yaml


def test_bare_on_key_stays_a_string_and_yaml11_words_are_text() -> None:
    doc = load_yaml("on: push\nDEBUG: yes\nflag: off\nok: true\nversion: 3.10\nnothing: ~\n")
    assert doc.root == {
        "on": "push",
        "DEBUG": "yes",
        "flag": "off",
        "ok": True,
        "version": "3.10",
        "nothing": None,
    }


def test_quoted_true_is_a_string_and_keys_are_always_text() -> None:
    doc = load_yaml("a: 'true'\ntrue: 1\n")
    assert doc.root["a"] == "true" and isinstance(doc.root["a"], str)
    assert doc.root["true"] == "1"


def test_lines_of_keys_items_and_block_scalars() -> None:
    doc = load_yaml(
        "jobs:\n  build:\n    steps:\n      - uses: x\n      - run: |\n          echo hi\n"
    )
    root = doc.root
    assert isinstance(root, YMap) and root.line_of("jobs") == 1
    steps = root["jobs"]["build"]["steps"]
    assert isinstance(steps, YSeq) and steps.item_lines == [4, 5]
    run = steps[1]["run"]
    assert isinstance(run, YStr) and run.line == 5 and run.content_line == 6 and run.style == "|"


def test_aliases_are_shared_not_copied() -> None:
    doc = load_yaml("a: &x {k: v}\nb: *x\n")
    assert doc.root["a"] is doc.root["b"]


def test_alias_bomb_is_refused_with_a_line() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(YamlProblem, match="alias bomb") as info:
        load_yaml("\n".join(lines))
    assert info.value.line is not None and info.value.line > 1
    assert str(info.value) == f"document expands to more than {MAX_YAML_NODES} nodes (alias bomb?)"


def test_deep_nesting_is_refused() -> None:
    depth = MAX_YAML_DEPTH + 5
    with pytest.raises(YamlProblem, match="nesting deeper"):
        load_yaml("[" * depth + "]" * depth)
    with pytest.raises(YamlProblem):
        load_yaml("[" * 10_000 + "]" * 10_000)


def test_duplicate_keys_are_reported_last_value_wins() -> None:
    doc = load_yaml("a: 1\nb: 2\na: 3\n")
    assert doc.root["a"] == "3"
    assert doc.duplicates == [("a", 3)]


def test_syntax_error_has_line() -> None:
    with pytest.raises(YamlProblem, match="invalid YAML") as info:
        load_yaml("a: 1\nb: [unclosed\n")
    assert info.value.line == 3


def test_unknown_alias_and_complex_keys() -> None:
    with pytest.raises(YamlProblem, match="unknown alias"):
        load_yaml("a: *nope\n")
    with pytest.raises(YamlProblem, match="keys must be plain"):
        load_yaml("? [a, b]\n: c\n")


def test_empty_document_is_none_and_only_first_document_is_read() -> None:
    assert load_yaml("").root is None
    assert load_yaml("a: 1\n---\nb: 2\n").root == {"a": "1"}
