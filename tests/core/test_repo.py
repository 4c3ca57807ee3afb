from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RepoFactory
from wizard.limits import MAX_FILE_BYTES
from wizard.repo import FileProblem, Repo, RepoError, git_blob_id


def test_identity_of_a_fresh_repository(make_repo: RepoFactory) -> None:
    path = make_repo({"a.txt": "hello\n"})
    repo = Repo(path)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True)
    assert repo.info.head == head.stdout.strip()
    assert repo.info.branch == "main"
    assert repo.info.dirty is False
    assert repo.info.shallow is False
    assert repo.files() == ["a.txt"]


def test_blob_id_matches_git(make_repo: RepoFactory) -> None:
    path = make_repo({"dir/b.yml": "x: 1\n"})
    repo = Repo(path)
    expected = subprocess.run(
        ["git", "rev-parse", "HEAD:dir/b.yml"], cwd=path, capture_output=True, text=True
    ).stdout.strip()
    assert repo.blob("dir/b.yml") == expected == git_blob_id(b"x: 1\n")


def test_dirty_detached_and_untracked(make_repo: RepoFactory) -> None:
    path = make_repo({"a.txt": "1\n"})
    (path / "new.txt").write_text("n\n")
    subprocess.run(["git", "checkout", "-q", "--detach"], cwd=path, check=True)
    repo = Repo(path)
    assert repo.info.dirty is True
    assert repo.info.branch is None
    assert "new.txt" in repo.files()


def test_not_a_repository_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(RepoError, match="not inside a git repository"):
        Repo(tmp_path)
    with pytest.raises(RepoError, match="does not exist"):
        Repo(tmp_path / "missing")


def test_empty_repository_has_no_head(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "e")], check=True)
    repo = Repo(tmp_path / "e")
    assert repo.info.head is None and repo.info.branch is None


def test_reads_refuse_escapes_and_odd_files(make_repo: RepoFactory) -> None:
    path = make_repo({"ok.txt": "fine\n"})
    os.symlink("/etc/passwd", path / "out.yml")
    os.symlink("loop2", path / "loop1")
    os.symlink("loop1", path / "loop2")
    os.mkfifo(path / "flake.nix")
    (path / "big.md").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    (path / "bin.yml").write_bytes(b"\x00\x01binary")
    (path / "utf16.yml").write_bytes("a: 1".encode("utf-16"))
    (path / "latin.yml").write_bytes(b"caf\xe9")
    repo = Repo(path)
    assert repo.read_text("ok.txt") == "fine\n"
    cases = {
        "out.yml": "outside the repository",
        "loop1": "symlink",
        "flake.nix": "not a regular file",
        "big.md": "read limit",
        "bin.yml": "binary",
        "utf16.yml": "UTF-16",
        "latin.yml": "not valid UTF-8",
    }
    for name, reason in cases.items():
        with pytest.raises(FileProblem, match=reason):
            repo.read_text(name)


def test_github_slug_from_the_origin_remote(make_repo: RepoFactory) -> None:
    path = make_repo({"a.txt": "1\n"})
    assert Repo(path).github_slug is None
    subprocess.run(["git", "remote", "add", "origin", "git@github.com:Acme/Dash-Board.git"],
                   cwd=path, check=True)
    assert Repo(path).github_slug == "Acme/Dash-Board"
    subprocess.run(["git", "remote", "set-url", "origin", "https://gitlab.com/acme/x.git"],
                   cwd=path, check=True)
    assert Repo(path).github_slug is None


def test_dubious_ownership_is_reported_as_git_says_it(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_repo({"a.txt": "1\n"})
    # git's own switch for testing a checkout owned by someone else (common in CI containers).
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    with pytest.raises(RepoError, match="dubious ownership"):
        Repo(path)


def test_blob_lookup_treats_paths_literally(make_repo: RepoFactory) -> None:
    path = make_repo({"a.txt": "1\n"})
    assert Repo(path).blobs_at([":(glob)**", "a.txt"]) == {"a.txt": git_blob_id(b"1\n")}


def test_symlinked_file_has_the_blob_git_tracks(make_repo: RepoFactory) -> None:
    path = make_repo({"docs/real.md": "# Real\n"})
    os.symlink("real.md", path / "docs/link.md")
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)
    subprocess.run(["git", "commit", "-qm", "link"], cwd=path, check=True)
    repo = Repo(path)
    assert repo.read_text("docs/link.md") == "# Real\n"
    assert repo.blob("docs/link.md") == repo.blobs_at(["docs/link.md"])["docs/link.md"]
