"""Excerpts around a line of evidence, read safely and made printable."""

from __future__ import annotations

import os

from tests.conftest import RepoFactory
from wizard.excerpt import read_excerpt
from wizard.repo import Repo


def test_lines_around_the_focus_line(make_repo: RepoFactory) -> None:
    text = "".join(f"line {n}\n" for n in range(1, 31))
    repo = Repo(make_repo({"a.yml": text}))
    excerpt = read_excerpt(repo, "a.yml", 10, context=3)
    assert excerpt.problem is None
    assert excerpt.total_lines == 30
    assert [(x.number, x.text, x.focus) for x in excerpt.lines] == [
        (7, "line 7", False),
        (8, "line 8", False),
        (9, "line 9", False),
        (10, "line 10", True),
        (11, "line 11", False),
        (12, "line 12", False),
        (13, "line 13", False),
    ]


def test_clamped_at_both_ends(make_repo: RepoFactory) -> None:
    repo = Repo(make_repo({"a.txt": "one\ntwo\nthree\n"}))
    assert [x.number for x in read_excerpt(repo, "a.txt", 1, context=5).lines] == [1, 2, 3]
    assert [x.number for x in read_excerpt(repo, "a.txt", 3, context=1).lines] == [2, 3]


def test_whole_file_evidence_shows_the_start(make_repo: RepoFactory) -> None:
    repo = Repo(make_repo({"a.txt": "".join(f"{n}\n" for n in range(1, 40))}))
    excerpt = read_excerpt(repo, "a.txt", None, context=2)
    assert [x.number for x in excerpt.lines] == [1, 2, 3, 4, 5]
    assert not any(x.focus for x in excerpt.lines)


def test_control_characters_are_removed_and_bidi_made_visible(make_repo: RepoFactory) -> None:
    repo = Repo(make_repo({"w.yml": "name: \x1b[31mred\x1b[0m\tx\nrun: echo \u202eevil\n"}))
    excerpt = read_excerpt(repo, "w.yml", 1, context=1)
    assert [x.text for x in excerpt.lines] == ["name: red   x", "run: echo <U+202E>evil"]


def test_very_long_line_is_shortened(make_repo: RepoFactory) -> None:
    repo = Repo(make_repo({"min.js": "x" * 5000 + "\n"}))
    line = read_excerpt(repo, "min.js", 1).lines[0].text
    assert len(line) == 400 and line.endswith("…")


def test_line_past_the_end_is_a_problem(make_repo: RepoFactory) -> None:
    repo = Repo(make_repo({"a.txt": "one\ntwo\n"}))
    excerpt = read_excerpt(repo, "a.txt", 9)
    assert excerpt.lines == []
    assert excerpt.problem == "a.txt has 2 lines; line 9 is not in it any more."


def test_unreadable_files_are_problems_not_errors(make_repo: RepoFactory) -> None:
    path = make_repo({"bin.yml": "placeholder\n"})
    (path / "bin.yml").write_bytes(b"\x00\x01\x02")
    os.symlink("/etc/passwd", path / "out.yml")
    repo = Repo(path)
    assert read_excerpt(repo, "bin.yml", 1).problem == (
        "bin.yml cannot be shown: binary file (contains NUL bytes)."
    )
    assert read_excerpt(repo, "out.yml", 1).problem == (
        "out.yml cannot be shown: symlink leads outside the repository; not read."
    )
    assert read_excerpt(repo, "gone.yml", 1).problem is not None
